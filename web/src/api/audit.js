// /api/v1/audit: the hash-chained audit log.
import { get, post } from '@/utils/request'

/** GET /audit?page=&page_size=&username=&action= → {items:[…], total}. */
export function listAudit({ page = 1, pageSize = 20, username, action } = {}) {
  return get('/audit', { page, page_size: pageSize, username, action })
}

/** POST /audit/verify → {ok, entries, first_broken_id, message}. */
export function verifyAudit() {
  return post('/audit/verify')
}
