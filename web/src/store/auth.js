// The session as the server describes it (`Me`): user, roles, active role, permissions, CSRF token.
// Permissions are those of the active role only; the server checks every action against it.
import { defineStore } from 'pinia'
import * as authApi from '@/api/auth'

function emptyState() {
  return {
    user: null, // {id, username, display_name, must_change_password}
    roles: [], // [{id, role, role_name, region_code, region_name, region_level, programmes}]
    activeRoleId: null,
    permissions: [],
    csrfToken: '',
    sessionExpiresIn: 0,
    loaded: false, // true once /auth/me (or login) has answered with a session
  }
}

export const useAuthStore = defineStore('auth', {
  state: emptyState,
  getters: {
    isLoggedIn: (s) => s.loaded && !!s.user,
    activeRole: (s) => s.roles.find((r) => r.id === s.activeRoleId) || null,
    mustChangePassword: (s) => !!(s.user && s.user.must_change_password),
    permissionSet: (s) => new Set(s.permissions),
  },
  actions: {
    /** True when the active role has `code`, or any of `code` when it is an array. */
    hasPerm(code) {
      if (!code) return true
      const codes = Array.isArray(code) ? code : [code]
      return codes.some((c) => this.permissionSet.has(c))
    },
    setMe(me) {
      this.user = me.user
      this.roles = me.roles || []
      this.activeRoleId = me.active_role_id ?? null
      this.permissions = me.permissions || []
      this.csrfToken = me.csrf_token || ''
      this.sessionExpiresIn = me.session_expires_in || 0
      this.loaded = true
    },
    clear() {
      this.$patch(emptyState())
    },
    async login(username, password) {
      const me = await authApi.login(username, password)
      this.setMe(me)
      return me
    },
    /** Loads the session; resolves false when there is none (401). Other errors propagate. */
    async fetchMe() {
      try {
        this.setMe(await authApi.getMe({ silent: true, skipAuthRedirect: true }))
        return true
      } catch (e) {
        if (e && e.status === 401) {
          this.clear()
          return false
        }
        throw e
      }
    },
    async switchRole(roleId) {
      this.setMe(await authApi.switchRole(roleId))
    },
    async logout() {
      try {
        await authApi.logout()
      } finally {
        this.clear()
      }
    },
  },
})
