import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'
import { createAdminRouter } from '../../router.js'
import { ApiError } from '../../shared/api.js'
import { byLabel, byRoleText, flush, mount, type } from '../../testUtils.js'
import App from '../App.vue'
import { setServices } from '../services.js'
import { SESSION_EXPIRED_MESSAGE, useAuthStore } from '../stores/auth.js'

let view
let pinia
beforeEach(() => {
  localStorage.clear()
  pinia = createPinia()
  setActivePinia(pinia)
})
afterEach(() => view?.unmount())

async function start(path) {
  const auth = useAuthStore()
  const router = createAdminRouter(auth, createMemoryHistory())
  await router.push(path)
  view = mount(App, { plugins: [pinia, router] })
  await router.isReady()
  await flush()
  return { router, auth }
}

describe('LoginPage', () => {
  it('shows the server’s error text on a wrong password', async () => {
    const login = vi.fn(async () => { throw new ApiError(401, { title: 'Unauthorized', detail: 'The email or password is incorrect.' }) })
    setServices({ api: { auth: { login } } })
    await start('/admin/login')
    await type(byLabel(view.el, 'Email'), 'admin@example.com')
    await type(byLabel(view.el, 'Password'), 'wrong')
    byRoleText(view.el, 'button', 'Sign in').click()
    await flush()
    expect(login).toHaveBeenCalledWith('admin@example.com', 'wrong')
    expect(view.el.querySelector('[role="alert"]').textContent).toBe('The email or password is incorrect.')
  })

  it('signs in and goes back to the page it came from', async () => {
    const user = { id: 'u1', role: 'Operator', displayName: 'Olga', email: 'o@x.test' }
    setServices({ api: { auth: { login: vi.fn(async () => ({ accessToken: 'jwt', expiresAt: new Date(Date.now() + 3600_000).toISOString(), user })) } } })
    const { router } = await start('/admin/users')
    expect(router.currentRoute.value.name).toBe('login')
    await type(byLabel(view.el, 'Email'), 'o@x.test')
    await type(byLabel(view.el, 'Password'), 'pw')
    const spy = vi.spyOn(router, 'replace').mockResolvedValue(undefined)
    byRoleText(view.el, 'button', 'Sign in').click()
    await flush()
    expect(spy).toHaveBeenCalledWith('/admin/users')
  })

  it('says the session expired after a 401', async () => {
    setServices({ api: { auth: { login: vi.fn() } } })
    const auth = useAuthStore()
    auth.token = 'jwt'
    auth.user = { id: 'u1', role: 'Admin' }
    auth.expire()
    await start('/admin/login')
    expect(view.el.querySelector('[role="status"]').textContent).toBe(SESSION_EXPIRED_MESSAGE)
  })
})
