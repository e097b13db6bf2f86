import { createRouter, createWebHistory } from 'vue-router'

// Routes of the admin app (served from admin.html for every /admin/* path). The widget is a separate
// page (widget.html) and never loads this file.

export const INBOX_TABS = ['unassigned', 'mine', 'assigned', 'closed']

export const routes = [
  {
    path: '/admin/login',
    name: 'login',
    component: () => import('./admin/pages/LoginPage.vue'),
    meta: { public: true, title: 'Sign in' },
  },
  {
    path: '/admin',
    component: () => import('./admin/pages/AdminLayout.vue'),
    children: [
      { path: '', redirect: { name: 'inbox', params: { tab: 'unassigned' } } },
      { path: 'inbox', redirect: { name: 'inbox', params: { tab: 'unassigned' } } },
      {
        path: `inbox/:tab(${INBOX_TABS.join('|')})/:id?`,
        name: 'inbox',
        component: () => import('./admin/pages/InboxPage.vue'),
        meta: { title: 'Inbox' },
      },
      {
        path: 'users',
        name: 'users',
        component: () => import('./admin/pages/UsersPage.vue'),
        meta: { requiresAdmin: true, title: 'Users' },
      },
      {
        path: 'canned-responses',
        name: 'canned',
        component: () => import('./admin/pages/CannedResponsesPage.vue'),
        meta: { title: 'Canned responses' },
      },
      {
        path: 'settings/assignment',
        name: 'assignment',
        component: () => import('./admin/pages/AssignmentSettingsPage.vue'),
        meta: { requiresAdmin: true, title: 'Assignment' },
      },
      {
        path: 'account',
        name: 'account',
        component: () => import('./admin/pages/AccountPage.vue'),
        meta: { title: 'Account' },
      },
      {
        path: 'settings/widget',
        name: 'widgetSettings',
        component: () => import('./admin/pages/WidgetSettingsPage.vue'),
        meta: { requiresAdmin: true, title: 'Widget settings' },
      },
      {
        path: 'reports',
        name: 'reports',
        component: () => import('./admin/pages/ReportsPage.vue'),
        meta: { requiresAdmin: true, title: 'Reports' },
      },
      {
        path: 'settings/webhooks',
        name: 'webhooks',
        component: () => import('./admin/pages/WebhooksPage.vue'),
        meta: { requiresAdmin: true, title: 'Webhooks' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('./admin/pages/AuditPage.vue'),
        meta: { requiresAdmin: true, title: 'Audit log' },
      },
    ],
  },
  { path: '/admin/:pathMatch(.*)*', redirect: '/admin' },
]

/**
 * The admin guard, as a plain function so it can be tested:
 * signed out → sign-in page (remembering where to go back to); an expired token → sign-in page with the
 * "session expired" notice; an Operator on an admin-only page → the inbox; a signed-in user on the
 * sign-in page → the inbox.
 * @param {import('vue-router').RouteLocationNormalized} to
 * @param {ReturnType<typeof import('./admin/stores/auth.js').useAuthStore>} auth
 */
export function adminGuard(to, auth) {
  if (auth.isExpired) auth.expire()
  const isPublic = to.matched.some((r) => r.meta.public)
  if (!isPublic && !auth.isSignedIn) {
    return { name: 'login', query: to.fullPath && to.fullPath !== '/admin' ? { redirect: to.fullPath } : {} }
  }
  if (to.name === 'login' && auth.isSignedIn) return { name: 'inbox', params: { tab: 'unassigned' } }
  if (to.matched.some((r) => r.meta.requiresAdmin) && !auth.isAdmin) {
    return { name: 'inbox', params: { tab: 'unassigned' } }
  }
  return true
}

/** Only same-app paths may be a post-login redirect (no open redirect to another site). */
export function safeRedirect(value) {
  return typeof value === 'string' && value.startsWith('/admin') && !value.startsWith('//') ? value : '/admin'
}

export function createAdminRouter(auth, history = createWebHistory()) {
  const router = createRouter({ history, routes })
  router.beforeEach((to) => adminGuard(to, auth))
  return router
}
