// The one HTTP client of the front end. Every call in src/api/ goes through `request`.
//
// - Same-origin cookies carry the session (HttpOnly; never read here).
// - JSON in, JSON out. Mutating methods send `X-CSRF-Token` from the auth store.
// - The real HTTP status decides success. An error body `{"error":{"code","message","field"}}`
//   becomes an ApiError {status, code, message, field}; anything else gets a generic Chinese message.
// - A 401 clears the session and sends the user to /login?redirect=… (unless `skipAuthRedirect`, used by
//   the login call and the session probe), with one message even for silent calls.
// - Errors are shown with ElMessage.error unless the caller passes `{ silent: true }`
//   (forms pass it and show the error on the form instead).
import { ElMessage } from 'element-plus'
import { useAuthStore } from '@/store/auth'
import router from '@/router'
import { t } from '@/locales'

export const API_BASE = '/api/v1'
const TIMEOUT_MS = 30000
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export class ApiError extends Error {
  constructor({ status, code, message, field = null }) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

function buildUrl(url, query) {
  let full = url.startsWith('/api/') ? url : API_BASE + url
  if (query) {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      params.append(k, String(v))
    }
    const qs = params.toString()
    if (qs) full += (full.includes('?') ? '&' : '?') + qs
  }
  return full
}

function genericMessage(status) {
  const key = `common.errors.status${status}`
  const msg = t(key)
  return msg === key ? t('common.errors.statusOther', { status }) : msg
}

async function readBody(resp) {
  if (resp.status === 204 || resp.status === 205) return null
  const text = await resp.text()
  if (!text) return null
  const type = resp.headers.get('Content-Type') || ''
  if (type.includes('json') || /^[\s]*[{[]/.test(text)) {
    try {
      return JSON.parse(text)
    } catch {
      return undefined // unparsable
    }
  }
  return undefined
}

let redirectingToLogin = false

function handleUnauthorized() {
  const auth = useAuthStore()
  auth.clear()
  const current = router.currentRoute.value
  if (current.path === '/login' || redirectingToLogin) return
  redirectingToLogin = true
  const query = current.fullPath && current.fullPath !== '/' ? { redirect: current.fullPath } : {}
  router.replace({ path: '/login', query }).finally(() => {
    redirectingToLogin = false
  })
}

/** The file name a Content-Disposition header gives (filename* first), or null. */
export function dispositionFileName(header) {
  if (!header) return null
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1])
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header)
  return plain ? plain[1] : null
}

/**
 * request(method, url, { body, rawBody, query, silent, skipAuthRedirect, signal, timeoutMs, blob })
 * Resolves with the parsed JSON body (null for 204), or with { blob, fileName } when `blob` is set (downloads);
 * rejects with ApiError. `rawBody` (a File or Blob) is sent as is, for uploads.
 */
export async function request(method, url, options = {}) {
  const { body, rawBody, query, silent = false, skipAuthRedirect = false, signal, timeoutMs = TIMEOUT_MS, blob = false } = options
  method = method.toUpperCase()
  const headers = { Accept: blob ? '*/*' : 'application/json' }
  const init = { method, headers, credentials: 'same-origin' }
  if (rawBody !== undefined) {
    headers['Content-Type'] = 'application/octet-stream'
    init.body = rawBody
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (MUTATING.has(method)) {
    const csrf = useAuthStore().csrfToken
    if (csrf) headers['X-CSRF-Token'] = csrf
  }

  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort('timeout'), timeoutMs)
  if (signal) {
    if (signal.aborted) controller.abort(signal.reason)
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  }
  init.signal = controller.signal

  let resp
  try {
    resp = await fetch(buildUrl(url, query), init)
  } catch (e) {
    clearTimeout(timer)
    const timedOut = controller.signal.reason === 'timeout'
    if (signal && signal.aborted && !timedOut) throw e // the caller cancelled: not an error to show
    const err = new ApiError({
      status: 0,
      code: timedOut ? 'timeout' : 'network_error',
      message: t(timedOut ? 'common.errors.timeout' : 'common.errors.network'),
    })
    if (!silent) ElMessage.error(err.message)
    throw err
  }

  if (blob && resp.ok) {
    try {
      return { blob: await resp.blob(), fileName: dispositionFileName(resp.headers.get('Content-Disposition')) }
    } finally {
      clearTimeout(timer)
    }
  }

  let data
  try {
    data = await readBody(resp)
  } finally {
    clearTimeout(timer)
  }

  if (resp.ok) {
    if (data === undefined) {
      const err = new ApiError({ status: resp.status, code: 'bad_response', message: t('common.errors.badResponse') })
      if (!silent) ElMessage.error(err.message)
      throw err
    }
    return data
  }

  const e = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : null
  const err = new ApiError({
    status: resp.status,
    code: (e && e.code) || `http_${resp.status}`,
    message: (e && e.message) || genericMessage(resp.status),
    field: (e && e.field) || null,
  })

  if (resp.status === 401 && !skipAuthRedirect) {
    // The session is gone: say so once, even for silent calls (their page is being left), and go to login.
    const alreadyRedirecting = redirectingToLogin || router.currentRoute.value.path === '/login'
    handleUnauthorized()
    if (!alreadyRedirecting) ElMessage.error({ message: err.message, grouping: true })
    throw err
  }
  if (!silent) ElMessage.error({ message: err.message, grouping: true })
  throw err
}

export const get = (url, query, options) => request('GET', url, { ...options, query })
export const post = (url, body, options) => request('POST', url, { ...options, body })
export const put = (url, body, options) => request('PUT', url, { ...options, body })
export const patch = (url, body, options) => request('PATCH', url, { ...options, body })
export const del = (url, options) => request('DELETE', url, options)
/** POST a file as the raw request body (uploads may take a while: two minutes). */
export const upload = (url, file, query, options) => request('POST', url, { timeoutMs: 120000, ...options, query, rawBody: file })
/** GET a file: resolves with { blob, fileName }. */
export const download = (url, query, options) => request('GET', url, { timeoutMs: 120000, ...options, query, blob: true })

export default request
