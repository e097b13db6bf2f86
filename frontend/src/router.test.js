import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { SESSION_EXPIRED_MESSAGE, useAuthStore } from './admin/stores/auth.js'
import { adminGuard, createAdminRouter, safeRedirect } from './router.js'

function signIn(auth, role, expiresAt = new Date(Date.now() + 3600_000).toISOString()) {
  auth.token = 'jwt'
  auth.user = { id: 'u1', role, displayName: 'Sam', email: 's@x.test' }
  auth.expiresAt = expiresAt
}

function routeTo(meta = {}, extra = {}) {
  return { fullPath: '/admin/x', name: 'x', matched: [{ meta }], ...extra }
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})

describe('adminGuard', () => {
  it('sends a signed-out user to login, remembering the page', () => {
    const auth = useAuthStore()
    expect(adminGuard(routeTo({}, { fullPath: '/admin/users' }), auth)).toEqual({ name: 'login', query: { redirect: '/admin/users' } })
  })

  it('lets anyone see the public login page', () => {
    expect(adminGuard(routeTo({ public: true }, { name: 'login' }), useAuthStore())).toBe(true)
  })

  it('sends an Operator away from admin-only pages and lets an Admin in', () => {
    const auth = useAuthStore()
    signIn(auth, 'Operator')
    expect(adminGuard(routeTo({ requiresAdmin: true }), auth)).toEqual({ name: 'inbox', params: { tab: 'unassigned' } })
    expect(adminGuard(routeTo({}), auth)).toBe(true)
    signIn(auth, 'Admin')
    expect(adminGuard(routeTo({ requiresAdmin: true }), auth)).toBe(true)
  })

  it('treats an expired token as signed out and says so', () => {
    const auth = useAuthStore()
    signIn(auth, 'Admin', new Date(Date.now() - 1000).toISOString())
    expect(adminGuard(routeTo({}), auth)).toMatchObject({ name: 'login' })
    expect(auth.token).toBeNull()
    expect(auth.notice).toBe(SESSION_EXPIRED_MESSAGE)
  })

  it('sends a signed-in user from login to the inbox', () => {
    const auth = useAuthStore()
    signIn(auth, 'Operator')
    expect(adminGuard(routeTo({ public: true }, { name: 'login' }), auth)).toEqual({ name: 'inbox', params: { tab: 'unassigned' } })
  })
})

describe('admin router', () => {
  it('resolves deep links and guards them', async () => {
    const auth = useAuthStore()
    const router = createAdminRouter(auth, createMemoryHistory())
    await router.push('/admin/inbox/mine/abc')
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toBe('/admin/inbox/mine/abc')

    signIn(auth, 'Operator')
    await router.push('/admin/inbox/mine/abc')
    expect(router.currentRoute.value.params).toEqual({ tab: 'mine', id: 'abc' })
    await router.push('/admin/users')
    expect(router.currentRoute.value.fullPath).toBe('/admin/inbox/unassigned')
    await router.push('/admin')
    expect(router.currentRoute.value.fullPath).toBe('/admin/inbox/unassigned')
    await router.push('/admin/no/such/page')
    expect(router.currentRoute.value.fullPath).toBe('/admin/inbox/unassigned')
  })
})

describe('safeRedirect', () => {
  it('only allows admin paths', () => {
    expect(safeRedirect('/admin/users')).toBe('/admin/users')
    expect(safeRedirect('https://evil.test')).toBe('/admin')
    expect(safeRedirect('//evil.test/admin')).toBe('/admin')
    expect(safeRedirect(undefined)).toBe('/admin')
  })
})
