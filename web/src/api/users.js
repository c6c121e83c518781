// /api/v1/users and /api/v1/roles: accounts and the role catalogue (system management).
import { get, post, put } from '@/utils/request'

/** GET /roles → {items:[{code,name,level,needs_programme,permissions}]}. */
export function listRoles(options) {
  return get('/roles', undefined, options)
}

/** GET /users?q=&region=&page=&page_size= → {items:[User], total}. */
export function listUsers({ q, region, page = 1, pageSize = 20 } = {}) {
  return get('/users', { q, region, page, page_size: pageSize })
}

/** GET /users/{id} → User. */
export function getUser(id, options) {
  return get(`/users/${id}`, undefined, options)
}

/** POST /users {username, display_name, password, roles:[{role, region_code, programmes}]} → 201 User.
 *  Field errors are shown on the form (silent). */
export function createUser(data) {
  return post('/users', data, { silent: true })
}

/** PUT /users/{id} {display_name, status, roles} → User. */
export function updateUser(id, data) {
  return put(`/users/${id}`, data, { silent: true })
}

/** POST /users/{id}/password {password} → 204. The user must change it at next login. */
export function resetUserPassword(id, password) {
  return post(`/users/${id}/password`, { password }, { silent: true })
}

/** POST /users/{id}/unlock → 204. */
export function unlockUser(id) {
  return post(`/users/${id}/unlock`)
}
