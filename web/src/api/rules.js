// /api/v1/rules and /api/v1/rule-overrides: the rule catalogue as this county runs it, versions, status changes,
// per-region parameter overrides and backtests.
import { del, get, post, put } from '@/utils/request'

/** GET /rules → {items:[{id, version, status, title, category, category_name, severity, basis, source, routing,
 *  deadline_workdays, shape, datasets, params:[{name, type, title, default, min, max, overrides}], drafts}]}. */
export function listRules(options) {
  return get('/rules', undefined, options)
}

/** GET /rules/{id} → the version in force in full: definition, yaml, params with their overrides, history counts. */
export function getRule(id, options) {
  return get(`/rules/${encodeURIComponent(id)}`, undefined, options)
}

/** GET /rules/{id}/versions → {items:[version]}, newest first. */
export function listRuleVersions(id, options) {
  return get(`/rules/${encodeURIComponent(id)}/versions`, undefined, options)
}

/** GET /rules/{id}/versions/{version} → the version with its yaml. */
export function getRuleVersion(id, version, options) {
  return get(`/rules/${encodeURIComponent(id)}/versions/${version}`, undefined, options)
}

/** GET /rules/{id}/history → {items:[{version, from, to, reason, by_name, at}]}. */
export function ruleHistory(id, options) {
  return get(`/rules/${encodeURIComponent(id)}/history`, undefined, options)
}

/** POST /rules/{id}/versions {yaml, note} → the new draft. */
export function saveRuleDraft(id, yaml, note, options) {
  return post(`/rules/${encodeURIComponent(id)}/versions`, { yaml, note }, options)
}

/** POST /rules/{id}/versions/{version}/status {status, reason}. */
export function setRuleStatus(id, version, status, reason, options) {
  return post(`/rules/${encodeURIComponent(id)}/versions/${version}/status`, { status, reason }, options)
}

/** PUT /rules/{id}/overrides {param, region_code, value} → the override. */
export function setRuleOverride(id, param, regionCode, value, options) {
  return put(`/rules/${encodeURIComponent(id)}/overrides`, { param, region_code: regionCode, value }, options)
}

/** DELETE /rule-overrides/{id}. */
export function removeRuleOverride(overrideId, options) {
  return del(`/rule-overrides/${overrideId}`, options)
}

/** POST /rules/{id}/backtest {version?, yaml?, from, to, sample} → {hits, hits_in_force, open_warnings, sample…}. */
export function backtestRule(id, body, options) {
  return post(`/rules/${encodeURIComponent(id)}/backtest`, body, { timeoutMs: 300000, ...options })
}
