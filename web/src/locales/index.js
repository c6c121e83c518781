// A tiny message lookup: t('area.key.sub', { name: '…' }).
// Messages live in locales/zh-CN/<area>.json; the first segment of a key is the file name.
// Keys may themselves contain dots (e.g. audit action codes): the longest match wins.
import common from './zh-CN/common.json'
import auth from './zh-CN/auth.json'
import system from './zh-CN/system.json'
import region from './zh-CN/region.json'
import audit from './zh-CN/audit.json'
import dashboard from './zh-CN/dashboard.json'
import data from './zh-CN/data.json'
import warnings from './zh-CN/warnings.json'
import rules from './zh-CN/rules.json'

const messages = { common, auth, system, region, audit, dashboard, data, warnings, rules }

function lookup(node, parts) {
  if (parts.length === 0) return node
  if (node == null || typeof node !== 'object') return undefined
  const whole = parts.join('.')
  if (Object.prototype.hasOwnProperty.call(node, whole)) return node[whole]
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.')
    if (Object.prototype.hasOwnProperty.call(node, head)) {
      const found = lookup(node[head], parts.slice(i))
      if (found !== undefined) return found
    }
  }
  return undefined
}

/** Returns the message for `key`, or undefined when there is none. */
export function tm(key) {
  return lookup(messages, key.split('.'))
}

/** True when `key` names a message. */
export function te(key) {
  return typeof tm(key) === 'string'
}

/**
 * Translates `key`, replacing `{name}` placeholders from `params`.
 * A missing key is returned as is (and reported in development) so it shows up on screen.
 */
export function t(key, params) {
  const msg = tm(key)
  if (typeof msg !== 'string') {
    if (import.meta.env.DEV) console.warn(`[i18n] missing message: ${key}`)
    return key
  }
  if (!params) return msg
  return msg.replace(/\{(\w+)\}/g, (m, name) => (params[name] == null ? m : String(params[name])))
}

export default t
