// /api/v1/warnings: the warning workspace (queue, counts, one warning, handling actions, precision).
import { get, post } from '@/utils/request'

// The queue's filters as the API takes them: status (comma-separated new,handling,closed), severity (red|yellow),
// category, region (a subtree root), rule, body (routed body), mine=1, overdue=1.
function filterQuery({ status, severity, category, region, rule, body, mine, overdue } = {}) {
  return {
    status: Array.isArray(status) ? status.join(',') : status,
    severity,
    category,
    region,
    rule,
    body,
    mine: mine ? 1 : undefined,
    overdue: overdue ? 1 : undefined,
  }
}

/** GET /warnings → {total, items:[warning]}, newest first. */
export function listWarnings({ page = 1, pageSize = 20, ...filters } = {}, options) {
  return get('/warnings', { ...filterQuery(filters), page, page_size: pageSize }, options)
}

/** GET /warnings/counts → {total:{new,handling,closed,total}, by_category:[{category,name,counts}],
 *  by_region:[{region_code,name,counts}]}: under the region, rule and severity filters. */
export function warningCounts(filters, options) {
  return get('/warnings/counts', filterQuery(filters), options)
}

/** GET /warnings/{id} → the warning with rule_basis, timeline, exception, records (linked, masked),
 *  can_handle, can_judge and rule_precision. */
export function getWarning(id, options) {
  return get(`/warnings/${id}`, undefined, options)
}

/** GET /warnings/{id}/assignees → {items:[{id, username, display_name, role, role_name}]}. */
export function warningAssignees(id, options) {
  return get(`/warnings/${id}/assignees`, undefined, options)
}

/** POST /warnings/{id}/accept {note} → the warning (detail). */
export function acceptWarning(id, note, options) {
  return post(`/warnings/${id}/accept`, { note }, options)
}

/** POST /warnings/{id}/notes {note} → the warning (detail). */
export function noteWarning(id, note, options) {
  return post(`/warnings/${id}/notes`, { note }, options)
}

/** POST /warnings/{id}/assign {user_id, note} → the warning (detail). */
export function assignWarning(id, userId, note, options) {
  return post(`/warnings/${id}/assign`, { user_id: userId, note }, options)
}

/** POST /warnings/{id}/close {verdict, reason, exception_owner, exception_expires_on} → the warning (detail). */
export function closeWarning(id, form, options) {
  return post(`/warnings/${id}/close`, form, options)
}

/** POST /warnings/{id}/reopen {reason} → the warning (detail). */
export function reopenWarning(id, reason, options) {
  return post(`/warnings/${id}/reopen`, { reason }, options)
}

/** GET /warnings/precision?rule= → {items:[{rule_id, rule_title, confirmed, rectified, false_positive, exception,
 *  precision}]}. */
export function warningPrecision(rule, options) {
  return get('/warnings/precision', { rule }, options)
}
