// /api/v1/auth: session, current user, active role, own password.
import { get, post } from '@/utils/request'

/** POST /auth/login {username, password} → Me. Errors are shown by the login form, and a 401 here is
 *  "wrong credentials", not "session expired". */
export function login(username, password) {
  return post('/auth/login', { username, password }, { silent: true, skipAuthRedirect: true })
}

/** GET /auth/me → Me, or 401 when there is no session. */
export function getMe(options = {}) {
  return get('/auth/me', undefined, options)
}

/** POST /auth/logout → 204. */
export function logout() {
  return post('/auth/logout', undefined, { silent: true, skipAuthRedirect: true })
}

/** POST /auth/role {role_id} → Me: makes another of the user's roles the active one. */
export function switchRole(roleId) {
  return post('/auth/role', { role_id: roleId })
}

/** POST /auth/password {old_password, new_password} → 204. Field errors: old_password, new_password. */
export function changePassword(oldPassword, newPassword) {
  return post('/auth/password', { old_password: oldPassword, new_password: newPassword }, { silent: true })
}
