import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../shared/api.js'
import { setServices } from '../services.js'
import { SESSION_EXPIRED_MESSAGE, useAuthStore } from './auth.js'

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})

const user = { id: 'u1', email: 'admin@example.com', displayName: 'Admin', role: 'Admin', isActive: true }

describe('auth store', () => {
  it('signs in, keeps the token in localStorage and restores it', async () => {
    const login = vi.fn(async () => ({ accessToken: 'jwt', expiresAt: new Date(Date.now() + 60_000).toISOString(), user }))
    setServices({ api: { auth: { login } } })
    const auth = useAuthStore()
    auth.notice = SESSION_EXPIRED_MESSAGE
    await auth.login('admin@example.com', 'pw')
    expect(login).toHaveBeenCalledWith('admin@example.com', 'pw')
    expect(auth.isSignedIn).toBe(true)
    expect(auth.isAdmin).toBe(true)
    expect(auth.notice).toBe('')
    expect(localStorage.getItem('chatapp.admin.token')).toBe('jwt')

    setActivePinia(createPinia())
    const restored = useAuthStore()
    expect(restored.isSignedIn).toBe(true)
    expect(restored.user.email).toBe('admin@example.com')
  })

  it('passes the server error through on a failed sign-in', async () => {
    setServices({ api: { auth: { login: vi.fn(async () => { throw new ApiError(401, { detail: 'Wrong e-mail or password.' }) }) } } })
    const auth = useAuthStore()
    await expect(auth.login('a', 'b')).rejects.toThrow('Wrong e-mail or password.')
    expect(auth.isSignedIn).toBe(false)
  })

  it('expire() signs out with the session-expired notice; logout() without', () => {
    const auth = useAuthStore()
    auth.token = 'jwt'
    auth.user = user
    auth.expire()
    expect(auth.token).toBeNull()
    expect(auth.notice).toBe(SESSION_EXPIRED_MESSAGE)
    auth.token = 'jwt'
    auth.logout()
    expect(auth.notice).toBe('')
    expect(localStorage.getItem('chatapp.admin.token')).toBeNull()
  })

  it('an Operator is not an admin', () => {
    const auth = useAuthStore()
    auth.token = 'jwt'
    auth.user = { ...user, role: 'Operator' }
    expect(auth.isSignedIn).toBe(true)
    expect(auth.isAdmin).toBe(false)
  })
})
