// Thin client for the REST API in ChatApp.Api/PROTOCOL.md. Every error becomes an ApiError carrying the
// server's ProblemDetails, so pages can show `error.message` (the detail a person understands).

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ title?: string, detail?: string, errors?: Record<string, string[]> } | null} problem
   */
  constructor(status, problem) {
    const fromErrors = problem?.errors ? Object.values(problem.errors).flat().join(' ') : ''
    super(problem?.detail || fromErrors || problem?.title || defaultMessage(status))
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
    this.title = problem?.title
    this.errors = problem?.errors
  }
}

function defaultMessage(status) {
  if (status === 0) return 'Cannot reach the server. Check your connection and try again.'
  if (status === 401) return 'Please sign in again.'
  if (status === 403) return 'You are not allowed to do that.'
  if (status === 404) return 'Not found.'
  if (status === 429) return 'Too many attempts. Please wait a moment and try again.'
  return `The server answered ${status}.`
}

function toQuery(query) {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

/**
 * @param {{
 *   baseUrl?: string,
 *   fetch?: typeof fetch,
 *   getToken?: () => string | null | undefined,
 *   onUnauthorized?: (error: ApiError) => void,
 * }} [options]
 */
export function createApiClient(options = {}) {
  const baseUrl = options.baseUrl ?? ''
  const getToken = options.getToken ?? (() => null)
  const doFetch = options.fetch ?? ((...args) => globalThis.fetch(...args))

  /**
   * @param {string} method
   * @param {string} path
   * @param {{ body?: unknown, form?: FormData, query?: Record<string, unknown>, auth?: boolean }} [opts]
   */
  async function request(method, path, opts = {}) {
    const headers = { Accept: 'application/json' }
    const token = opts.auth === false ? null : getToken()
    if (token) headers.Authorization = `Bearer ${token}`
    let body
    if (opts.form) {
      body = opts.form
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.body)
    }

    let response
    try {
      response = await doFetch(baseUrl + path + toQuery(opts.query), { method, headers, body })
    } catch {
      throw new ApiError(0, null)
    }

    const text = response.status === 204 ? '' : await response.text()
    let data = null
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = response.ok ? text : { title: text.slice(0, 200) }
      }
    }
    if (!response.ok) {
      const error = new ApiError(response.status, data && typeof data === 'object' ? data : null)
      // Only a request that carried a token can find it expired; a failed login is a plain error.
      if (response.status === 401 && token) options.onUnauthorized?.(error)
      throw error
    }
    return data
  }

  /** A file download (a transcript): the body as a Blob and the server's file name. */
  async function download(path, query) {
    const headers = {}
    const token = getToken()
    if (token) headers.Authorization = `Bearer ${token}`
    let response
    try {
      response = await doFetch(baseUrl + path + toQuery(query), { method: 'GET', headers })
    } catch {
      throw new ApiError(0, null)
    }
    if (!response.ok) {
      let problem = null
      try {
        problem = await response.json()
      } catch {
        // not JSON
      }
      throw new ApiError(response.status, problem)
    }
    const disposition = response.headers.get('Content-Disposition') || ''
    const fileName = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? 'download'
    return { blob: await response.blob(), fileName: decodeURIComponent(fileName) }
  }

  const id = (v) => encodeURIComponent(v)
  /** The reader's time zone, so a transcript shows the times they know. */
  const tz = () => Intl.DateTimeFormat().resolvedOptions().timeZone

  return {
    request,
    auth: {
      login: (email, password) => request('POST', '/api/auth/login', { body: { email, password }, auth: false }),
      me: () => request('GET', '/api/auth/me'),
      /** Returns a LoginResult with a new token: the old one (and every other session) stops working. */
      changePassword: (currentPassword, newPassword) =>
        request('PUT', '/api/auth/me/password', { body: { currentPassword, newPassword } }),
      /** @param {{ notificationsEnabled?: boolean }} preferences */
      updatePreferences: (preferences) => request('PUT', '/api/auth/me/preferences', { body: preferences }),
    },
    widget: {
      settings: () => request('GET', '/api/widget/settings', { auth: false }),
      /** The visitor's conversations, newest first. */
      list: () => request('GET', '/api/widget/conversations'),
      /** @param {{ identifier: string, identifierHash: string, name?: string, email?: string }} user */
      identify: (user) => request('POST', '/api/widget/identity', { body: user }),
      rate: (conversationId, rating) =>
        request('POST', `/api/widget/conversations/${id(conversationId)}/rating`, { body: rating }),
      transcript: (conversationId) => download(`/api/widget/conversations/${id(conversationId)}/transcript`, { tz: tz() }),
      /** @param {{ name?: string, email?: string, pageUrl?: string, message?: string }} visitor */
      start: (visitor) => request('POST', '/api/widget/conversations', { body: visitor }),
      current: () => request('GET', '/api/widget/conversations/current'),
      get: (conversationId) => request('GET', `/api/widget/conversations/${id(conversationId)}`),
      messages: (conversationId, after = 0, limit = 100) =>
        request('GET', `/api/widget/conversations/${id(conversationId)}/messages`, { query: { after, limit } }),
      send: (conversationId, message) =>
        request('POST', `/api/widget/conversations/${id(conversationId)}/messages`, { body: message }),
    },
    conversations: {
      /** @param {{ status?: string, assignee?: string, q?: string, page?: number, pageSize?: number }} [filter] */
      list: (filter = {}) => request('GET', '/api/conversations', { query: filter }),
      /** Per inbox tab, how many conversations have unread visitor messages. */
      counts: () => request('GET', '/api/conversations/counts'),
      get: (conversationId) => request('GET', `/api/conversations/${id(conversationId)}`),
      messages: (conversationId, after = 0, limit = 500) =>
        request('GET', `/api/conversations/${id(conversationId)}/messages`, { query: { after, limit } }),
      send: (conversationId, message) =>
        request('POST', `/api/conversations/${id(conversationId)}/messages`, { body: message }),
      /** @param {{ clientMessageId: string, body: string }} note */
      sendNote: (conversationId, note) =>
        request('POST', `/api/conversations/${id(conversationId)}/notes`, { body: note }),
      /** To the caller (no userId), or to a colleague with an optional private note (a transfer). */
      assign: (conversationId, userId, note) =>
        request('POST', `/api/conversations/${id(conversationId)}/assign`, {
          body: { ...(userId ? { userId } : {}), ...(note ? { note } : {}) },
        }),
      unassign: (conversationId) => request('POST', `/api/conversations/${id(conversationId)}/unassign`),
      close: (conversationId) => request('POST', `/api/conversations/${id(conversationId)}/close`),
      reopen: (conversationId) => request('POST', `/api/conversations/${id(conversationId)}/reopen`),
      transcript: (conversationId) => download(`/api/conversations/${id(conversationId)}/transcript`, { tz: tz() }),
    },
    cannedResponses: {
      list: () => request('GET', '/api/canned-responses'),
      /** @param {{ shortcut: string, title: string, body: string }} canned */
      create: (canned) => request('POST', '/api/canned-responses', { body: canned }),
      update: (cannedId, canned) => request('PUT', `/api/canned-responses/${id(cannedId)}`, { body: canned }),
      remove: (cannedId) => request('DELETE', `/api/canned-responses/${id(cannedId)}`),
    },
    presence: {
      list: () => request('GET', '/api/presence'),
      /** @param {'Online' | 'Away' | 'Offline'} status */
      set: (status) => request('PUT', '/api/presence/me', { body: { status } }),
    },
    settings: {
      assignment: () => request('GET', '/api/settings/assignment'),
      /** @param {{ autoAssign?: boolean, maxOpenPerOperator?: number }} settings */
      updateAssignment: (settings) => request('PUT', '/api/settings/assignment', { body: settings }),
      widget: () => request('GET', '/api/settings/widget'),
      saveWidget: (settings) => request('PUT', '/api/settings/widget', { body: settings }),
      rotateIdentitySecret: () => request('POST', '/api/settings/widget/identity-secret'),
    },
    users: {
      list: () => request('GET', '/api/users'),
      create: (user) => request('POST', '/api/users', { body: user }),
      setRole: (userId, role) => request('PUT', `/api/users/${id(userId)}/role`, { body: { role } }),
      deactivate: (userId) => request('POST', `/api/users/${id(userId)}/deactivate`),
      reactivate: (userId) => request('POST', `/api/users/${id(userId)}/reactivate`),
      resetPassword: (userId, password) => request('PUT', `/api/users/${id(userId)}/password`, { body: { password } }),
    },
    /** Admin reports: `period` is `{ from, to, tz, operatorId? }` (dates yyyy-MM-dd, IANA time zone). */
    reports: {
      summary: (period) => request('GET', '/api/reports/summary', { query: period }),
      operators: (period) => request('GET', '/api/reports/operators', { query: period }),
      conversationsCsv: (period) => download('/api/reports/conversations.csv', period),
    },
    webhooks: {
      list: () => request('GET', '/api/webhooks'),
      events: () => request('GET', '/api/webhooks/events'),
      get: (webhookId) => request('GET', `/api/webhooks/${id(webhookId)}`),
      create: (webhook) => request('POST', '/api/webhooks', { body: webhook }),
      update: (webhookId, webhook) => request('PUT', `/api/webhooks/${id(webhookId)}`, { body: webhook }),
      remove: (webhookId) => request('DELETE', `/api/webhooks/${id(webhookId)}`),
      rotateSecret: (webhookId) => request('POST', `/api/webhooks/${id(webhookId)}/secret`),
      deliveries: (webhookId) => request('GET', `/api/webhooks/${id(webhookId)}/deliveries`),
      sendTest: (webhookId) => request('POST', `/api/webhooks/${id(webhookId)}/test`),
      redeliver: (webhookId, deliveryId) =>
        request('POST', `/api/webhooks/${id(webhookId)}/deliveries/${id(deliveryId)}/redeliver`),
    },
    audit: {
      /** @param {{ action?: string, actorId?: string, from?: string, to?: string, page?: number, pageSize?: number }} [filter] */
      list: (filter = {}) => request('GET', '/api/audit', { query: filter }),
      actions: () => request('GET', '/api/audit/actions'),
    },
    uploads: {
      /** @param {Blob} file @param {string} [fileName] */
      upload: (file, fileName) => {
        const form = new FormData()
        form.append('file', file, fileName ?? file.name ?? 'file')
        return request('POST', '/api/uploads', { form })
      },
    },
  }
}

/** GetMessagesAfter returns at most this many; ask again with the last id for more. */
export const RESUME_PAGE_SIZE = 500

/**
 * After a (re)connect: the messages of a conversation after the last id held, through the hub, every page of them.
 * @param {{ invoke: (method: string, ...args: any[]) => Promise<any> }} chat
 */
export function fetchMissed(chat, conversationId, afterMessageId) {
  return fetchAllMessages(
    (after) => chat.invoke('GetMessagesAfter', conversationId, after),
    afterMessageId,
    RESUME_PAGE_SIZE,
  )
}

/**
 * Reads every page of a conversation's history, `limit` at a time, starting after `after`.
 * @param {(after: number, limit: number) => Promise<any[]>} fetchPage
 */
export async function fetchAllMessages(fetchPage, after = 0, limit = 500) {
  const all = []
  let cursor = after
  for (;;) {
    const page = (await fetchPage(cursor, limit)) ?? []
    all.push(...page)
    if (page.length < limit) return all
    cursor = page[page.length - 1].id
  }
}
