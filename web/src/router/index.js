// Routes. Every view is a dynamic import, so the login page loads only what it needs.
// meta.public: reachable without a session. meta.perm: permission the active role needs
// (hiding is a courtesy; the server decides).
import { createRouter, createWebHistory } from 'vue-router'
import { useAuthStore } from '@/store/auth'
import { t } from '@/locales'

const Layout = () => import('@/layout/index.vue')

export const routes = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/login/index.vue'),
    meta: { public: true, title: 'auth.login.title' },
  },
  {
    path: '/',
    component: Layout,
    children: [
      {
        path: '',
        name: 'dashboard',
        component: () => import('@/views/dashboard/index.vue'),
        meta: { title: 'common.menu.dashboard', menu: 'dashboard' },
      },
      {
        path: 'regions',
        name: 'regions',
        meta: { perm: 'region:region:read' },
        redirect: () => {
          const role = useAuthStore().activeRole
          return role && role.region_code ? `/regions/${role.region_code}` : '/'
        },
      },
      {
        path: 'regions/:code',
        name: 'region-detail',
        component: () => import('@/views/region/detail.vue'),
        meta: { title: 'common.menu.regions', perm: 'region:region:read', menu: 'regions' },
      },
      {
        path: 'data',
        name: 'data',
        component: () => import('@/views/data/index.vue'),
        meta: { title: 'common.menu.data', perm: 'data:record:list', menu: 'data' },
      },
      {
        path: 'warnings',
        name: 'warnings',
        component: () => import('@/views/warnings/index.vue'),
        meta: { title: 'common.menu.warnings', perm: 'warning:warning:list', menu: 'warnings' },
      },
      {
        path: 'warnings/:id(\\d+)',
        name: 'warning-detail',
        component: () => import('@/views/warnings/detail.vue'),
        meta: { title: 'warnings.detail.title', perm: 'warning:warning:list', menu: 'warnings' },
      },
      {
        path: 'rules',
        name: 'rules',
        component: () => import('@/views/rules/index.vue'),
        meta: { title: 'common.menu.rules', perm: 'rule:rule:list', menu: 'rules' },
      },
      {
        path: 'rules/:id([A-Z]\\d{2})',
        name: 'rule-detail',
        component: () => import('@/views/rules/detail.vue'),
        meta: { title: 'common.menu.rules', perm: 'rule:rule:list', menu: 'rules' },
      },
      {
        path: 'system/users',
        name: 'system-users',
        component: () => import('@/views/system/user/index.vue'),
        meta: { title: 'common.menu.users', perm: 'system:user:list', menu: 'users' },
      },
      {
        path: 'system/audit',
        name: 'system-audit',
        component: () => import('@/views/system/audit/index.vue'),
        meta: { title: 'common.menu.audit', perm: 'audit:log:list', menu: 'audit' },
      },
      {
        path: 'password',
        name: 'password',
        component: () => import('@/views/password/index.vue'),
        meta: { title: 'auth.password.title' },
      },
      {
        path: '403',
        name: 'forbidden',
        component: () => import('@/views/error/403.vue'),
        meta: { title: 'common.forbidden.title' },
      },
    ],
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/error/404.vue'),
    meta: { public: true, title: 'common.notFound.title' },
  },
]

const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

/** Only same-site paths are accepted as a post-login redirect. */
export function safeRedirect(value) {
  const v = Array.isArray(value) ? value[0] : value
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return '/'
  if (v.startsWith('/login')) return '/'
  return v
}

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  if (!auth.loaded) {
    try {
      await auth.fetchMe()
    } catch {
      // Server unreachable or broken: the request client has not shown anything (silent), so let the
      // login page say it. Public pages stay reachable.
      if (!to.meta.public) return { path: '/login', query: { redirect: to.fullPath, offline: '1' } }
      return true
    }
  }
  if (to.meta.public) {
    if (to.name === 'login' && auth.isLoggedIn) {
      return auth.mustChangePassword ? { name: 'password' } : safeRedirect(to.query.redirect)
    }
    return true
  }
  if (!auth.isLoggedIn) {
    return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (auth.mustChangePassword && to.name !== 'password') {
    return { name: 'password', query: { redirect: to.fullPath } }
  }
  const perm = to.matched.map((r) => r.meta.perm).find(Boolean)
  if (perm && !auth.hasPerm(perm)) {
    return { name: 'forbidden', query: { from: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  const product = t('common.productFullName')
  document.title = to.meta.title ? `${t(to.meta.title)} - ${product}` : product
})

export default router
