// Code lists fetched once per session and cached (like RuoYi's dict cache).
import { defineStore } from 'pinia'
import { listRoles } from '@/api/users'

let rolesPromise = null

export const useDictStore = defineStore('dict', {
  state: () => ({ roles: null }),
  getters: {
    roleByCode: (s) => new Map((s.roles || []).map((r) => [r.code, r])),
    /** Chinese name of a role code, or the code itself when the catalogue has not been loaded. */
    roleName() {
      return (code) => (this.roleByCode.get(code) || {}).name || code
    },
  },
  actions: {
    /** The role catalogue (GET /roles), loaded at most once. `options` go to the request client. */
    async loadRoles(options) {
      if (this.roles) return this.roles
      if (!rolesPromise) {
        rolesPromise = listRoles(options)
          .then((res) => (this.roles = res.items || []))
          .finally(() => (rolesPromise = null))
      }
      return rolesPromise
    },
    clear() {
      this.roles = null
    },
  },
})
