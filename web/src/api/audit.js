// /api/v1/audit: the hash-chained audit log.
import { get, post } from '@/utils/request'

/** GET /audit?page=&page_size=&username=&action=&from=&to= → {items:[…], total}. from/to: YYYY-MM-DD, included. */
export function listAudit({ page = 1, pageSize = 20, username, action, from, to } = {}) {
  return get('/audit', { page, page_size: pageSize, username, action, from, to })
}

/** POST /audit/verify → {ok, entries, first_broken_id, message}. */
export function verifyAudit() {
  return post('/audit/verify')
}
