// v-perm="'system:user:create'" (or an array: any of them) removes the element when the active role
// lacks the permission. Hiding is a courtesy; the server checks every call.
// Views are re-created when the active role changes (see layout), so checking once on mount is enough.
import { useAuthStore } from '@/store/auth'

function check(el, binding) {
  const value = binding.value
  if (!value || (Array.isArray(value) && value.length === 0)) {
    throw new Error(`v-perm needs a permission code, e.g. v-perm="'system:user:create'"`)
  }
  if (!useAuthStore().hasPerm(value)) {
    el.parentNode && el.parentNode.removeChild(el)
  }
}

export const perm = {
  mounted: check,
}

export default {
  install(app) {
    app.directive('perm', perm)
  },
}
