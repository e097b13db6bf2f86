import { defineStore } from 'pinia'
import { services } from '../services.js'

const TOKEN_KEY = 'chatapp.admin.token'
const USER_KEY = 'chatapp.admin.user'
const EXPIRES_KEY = 'chatapp.admin.expiresAt'

export const SESSION_EXPIRED_MESSAGE = 'Your session has expired, please sign in again'

function readUser() {
  try {
    return JSON.parse(localStorage.getItem(USER_KEY) || 'null')
  } catch {
    return null
  }
}

export const useAuthStore = defineStore('auth', {
  state: () => ({
    token: localStorage.getItem(TOKEN_KEY),
    user: readUser(),
    expiresAt: localStorage.getItem(EXPIRES_KEY),
    /** A message for the sign-in page, e.g. that the session expired. */
    notice: '',
  }),
  getters: {
    isExpired: (s) => !!s.token && !!s.expiresAt && Date.parse(s.expiresAt) <= Date.now(),
    isSignedIn() {
      return !!this.token && !!this.user && !this.isExpired
    },
    isAdmin: (s) => s.user?.role === 'Admin',
    userId: (s) => s.user?.id ?? null,
  },
  actions: {
    async login(email, password) {
      const result = await services.api.auth.login(email, password)
      this.setSession(result)
      return result.user
    },
    /** Keeps a LoginResult (from signing in, or from a password change, which issues a new token). */
    setSession(result) {
      this.token = result.accessToken
      this.user = result.user
      this.expiresAt = result.expiresAt ?? null
      this.notice = ''
      localStorage.setItem(TOKEN_KEY, this.token)
      localStorage.setItem(USER_KEY, JSON.stringify(this.user))
      if (this.expiresAt) localStorage.setItem(EXPIRES_KEY, this.expiresAt)
      else localStorage.removeItem(EXPIRES_KEY)
    },
    /** The signed-in user changed (preferences, status). */
    setUser(user) {
      this.user = { ...this.user, ...user }
      localStorage.setItem(USER_KEY, JSON.stringify(this.user))
    },
    /** Changes the password; the server ends every other session and returns a new token for this one. */
    async changePassword(currentPassword, newPassword) {
      this.setSession(await services.api.auth.changePassword(currentPassword, newPassword))
    },
    /** Refreshes the signed-in user (role or name may have changed). A 401 ends the session via expire(). */
    async refreshMe() {
      if (!this.token) return
      try {
        this.user = await services.api.auth.me()
        localStorage.setItem(USER_KEY, JSON.stringify(this.user))
      } catch {
        // A 401 already expired the session through the API client; anything else keeps the cached user.
      }
    },
    clear() {
      this.token = null
      this.user = null
      this.expiresAt = null
      localStorage.removeItem(TOKEN_KEY)
      localStorage.removeItem(USER_KEY)
      localStorage.removeItem(EXPIRES_KEY)
    },
    logout() {
      this.clear()
      this.notice = ''
    },
    /** The server refused the token (expired, or the user was deactivated). */
    expire() {
      if (!this.token) return
      this.clear()
      this.notice = SESSION_EXPIRED_MESSAGE
    },
  },
})
