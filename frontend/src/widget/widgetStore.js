import { reactive } from 'vue'
import { ApiError, fetchAllMessages, fetchMissed } from '../shared/api.js'
import { advanceSeen, throttle } from '../shared/readReceipts.js'
import { isServerUnavailable } from '../shared/serverErrors.js'
import { createThread } from '../shared/thread.js'
import { createTypingSender, createTypingWatcher } from '../shared/typing.js'

export const VISITOR_TOKEN_KEY = 'chatapp.visitorToken'

/**
 * localStorage when the browser lets this page use it. In a third-party iframe whose site data is blocked
 * (incognito windows, Safari, Brave, "block third-party cookies") merely reading `localStorage` throws, so the
 * widget keeps the visitor token in memory instead: the chat works, and lasts as long as the page.
 * @param {{ localStorage?: Storage }} [win]
 */
export function visitorStorage(win = globalThis) {
  try {
    const storage = win.localStorage
    storage.getItem(VISITOR_TOKEN_KEY)
    return storage
  } catch {
    const data = new Map()
    return {
      getItem: (k) => (data.has(k) ? data.get(k) : null),
      setItem: (k, v) => void data.set(k, String(v)),
      removeItem: (k) => void data.delete(k),
    }
  }
}

/**
 * The visitor widget's state and behaviour, free of any component so it can be tested with fakes.
 *
 * @param {{
 *   api: ReturnType<typeof import('../shared/api.js').createApiClient>,
 *   createChat: (accessTokenFactory: () => string) => Promise<ReturnType<typeof import('../shared/chatConnection.js').createChatConnection>>,
 *   storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
 *   pageUrl?: string,
 *   onReply?: (message: any, unread: number) => void,
 *   onUnreadChange?: (unread: number) => void,
 * }} deps
 */
export function createWidgetStore(deps) {
  const storage = deps.storage ?? visitorStorage()

  const state = reactive({
    /** 'loading' | 'start' | 'chat' | 'unavailable' */
    phase: 'loading',
    /** GET /api/widget/settings: texts, colour, pre-chat fields, availability, upload rule (null until loaded). */
    settings: null,
    /** The site's signed-in customer could not be verified (a wrong identifierHash). */
    identityError: '',
    rating: { sending: false, error: '' },
    conversation: null,
    starting: false,
    startError: '',
    loadError: '',
    /** 'disconnected' | 'connecting' | 'connected' | 'reconnecting' */
    connection: 'disconnected',
    /** The server refused a send because it cannot reach its database; cleared by the next delivered message. */
    serverUnavailable: false,
    typists: [],
    unread: 0,
    away: false,
    /** The highest message id support has read (read receipts: "Seen" on own messages up to it). */
    seenUpTo: 0,
  })

  let chat = null

  const thread = createThread({
    send: (m) => {
      const id = state.conversation.id
      return chat?.isConnected
        ? chat.invoke('SendMessage', id, m.clientMessageId, m.body, m.attachmentId)
        : deps.api.widget.send(id, m)
    },
    upload: (file) => deps.api.uploads.upload(file),
    // The server answers but cannot store messages (its database is down): show it as reconnecting while the
    // thread retries by itself, until a message gets through.
    onRetryLater: (error) => {
      if (isServerUnavailable(error)) state.serverUnavailable = true
    },
    onDelivered: () => {
      state.serverUnavailable = false
    },
    sleep: deps.sleep,
  })

  const watcher = createTypingWatcher((typists) => {
    state.typists = typists
  })
  const typing = createTypingSender((isTyping) =>
    chat?.isConnected && state.conversation ? chat.invoke('SetTyping', state.conversation.id, isTyping) : null,
  )

  function token() {
    return storage.getItem(VISITOR_TOKEN_KEY)
  }

  function accept(session) {
    if (session.visitorToken) storage.setItem(VISITOR_TOKEN_KEY, session.visitorToken)
    state.conversation = session.conversation
    state.seenUpTo = session.conversation?.operatorLastReadMessageId ?? 0
    state.typists = []
    state.phase = 'chat'
  }

  async function loadHistory() {
    const id = state.conversation.id
    const messages = await fetchAllMessages((after, limit) => deps.api.widget.messages(id, after, limit), 0, 100)
    thread.reset(messages)
  }

  function isOwn(message) {
    return message.senderKind === 'Visitor'
  }

  // The last MarkRead sent, so a burst of messages or repeated focus changes do not repeat it.
  let marked = { id: null, upTo: 0 }

  function sendMarkRead() {
    const id = state.conversation?.id
    const upTo = thread.lastId.value
    if (!id || !upTo || !chat?.isConnected || state.away) return
    if (marked.id === id && upTo <= marked.upTo) return
    const sent = { id, upTo }
    marked = sent
    chat.invoke('MarkRead', id, upTo).catch(() => {
      if (marked === sent) marked = { id: null, upTo: 0 }
    })
  }

  /** While messages keep arriving: MarkRead at once, then at most once a second with the latest id. */
  const markRead = throttle(sendMarkRead, 1000)

  function updateSeen(conversation) {
    const upTo = conversation?.operatorLastReadMessageId
    if (upTo && upTo > state.seenUpTo) state.seenUpTo = upTo
  }

  function onMessagesRead(event) {
    if (!state.conversation) return
    state.seenUpTo = advanceSeen(state.seenUpTo, event, state.conversation.id, 'Operator')
  }

  function onMessage(message) {
    if (!state.conversation || message.conversationId !== state.conversation.id) return
    const isNew = !thread.state.messages.some((m) => m.id === message.id)
    thread.merge([message])
    if (isOwn(message) || !isNew) return
    watcher.messageFrom(message.senderKind, message.senderName)
    if (state.away) {
      state.unread += 1
      deps.onUnreadChange?.(state.unread)
      deps.onReply?.(message, state.unread)
    } else {
      markRead()
    }
  }

  function onConversationUpdated(summary) {
    if (state.conversation && summary.id === state.conversation.id) {
      state.conversation = { ...state.conversation, ...summary }
      updateSeen(summary)
      if (summary.status === 'Closed') watcher.clear()
    }
  }

  function onTyping(event) {
    if (state.conversation && event.conversationId === state.conversation.id && event.senderKind !== 'Visitor') {
      watcher.update(event)
    }
  }

  async function resume() {
    if (!state.conversation) return
    const id = state.conversation.id
    const missed = await fetchMissed(chat, id, thread.lastId.value)
    for (const m of missed) onMessage(m)
    // The status may have changed while we were away (e.g. closed).
    try {
      const fresh = await deps.api.widget.get(id)
      if (fresh?.id === state.conversation?.id) {
        state.conversation = { ...state.conversation, ...fresh }
        updateSeen(fresh)
      }
    } catch {
      // Keep what we have; the next event will update it.
    }
    if (!state.away) markRead.now()
  }

  // SignalR is loaded only once there is a conversation to follow: most page views never start one.
  let creatingChat = null

  async function connect() {
    if (creatingChat) await creatingChat
    if (chat) {
      // A visitor is joined to its conversations when it connects, so a new conversation needs a new connection.
      await chat.stop()
    } else {
      creatingChat = Promise.resolve(deps.createChat(() => token()))
      chat = await creatingChat
      chat.onStatusChange((s) => {
        state.connection = s
      })
      chat.on('MessageReceived', onMessage)
      chat.on('TypingChanged', onTyping)
      chat.on('ConversationUpdated', onConversationUpdated)
      chat.on('MessagesRead', onMessagesRead)
      chat.onConnected(resume)
    }
    chat.start()
  }

  /** The public settings; a failure leaves the widget usable with its defaults. */
  async function loadSettings() {
    try {
      state.settings = await deps.api.widget.settings()
    } catch {
      state.settings ??= null
    }
    return state.settings
  }

  async function init() {
    const settings = loadSettings()
    if (!token()) {
      await settings
      state.phase = 'start'
      return
    }
    state.phase = 'loading'
    state.loadError = ''
    try {
      // A returning visitor's thread does not wait for the settings.
      accept(await deps.api.widget.current())
      await loadHistory()
      connect()
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) storage.removeItem(VISITOR_TOKEN_KEY)
      if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
        // 404: this visitor has no conversation yet; keep the token so the same visitor starts one.
        state.conversation = null
        state.phase = 'start'
      } else {
        state.loadError = error?.message || 'The chat is not available right now.'
        state.phase = 'unavailable'
      }
    }
  }

  /** @param {{ name?: string, email?: string, message?: string }} visitor */
  async function start(visitor = {}) {
    if (state.starting) return
    state.starting = true
    state.startError = ''
    try {
      const session = await deps.api.widget.start({
        name: visitor.name?.trim() || undefined,
        email: visitor.email?.trim() || undefined,
        pageUrl: deps.pageUrl || undefined,
        message: visitor.message?.trim() || undefined,
      })
      thread.reset([])
      accept(session)
      await connect()
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) storage.removeItem(VISITOR_TOKEN_KEY)
      state.startError = error?.message || 'Could not start the chat.'
      // Refused because nobody is available any more (or again): show the form that fits now.
      if (error instanceof ApiError && error.status === 400) loadSettings()
    } finally {
      state.starting = false
    }
  }

  /** After a conversation was closed: the same visitor starts a new one. */
  function startNew() {
    const c = state.conversation
    return start({ name: c?.visitorName ?? undefined, email: c?.visitorEmail ?? undefined })
  }

  /** Rates the closed conversation once; the conversation then carries the rating. */
  async function rate(score, comment) {
    if (!state.conversation || state.rating.sending) return
    state.rating.sending = true
    state.rating.error = ''
    try {
      const updated = await deps.api.widget.rate(state.conversation.id, { score, comment: comment?.trim() || undefined })
      state.conversation = { ...state.conversation, ...updated }
    } catch (error) {
      state.rating.error = error?.message || 'Could not send the rating.'
    } finally {
      state.rating.sending = false
    }
  }

  async function restart() {
    if (chat) await chat.stop()
    thread.reset([])
    state.conversation = null
    await init()
  }

  /**
   * The host page's signed-in customer (window.ChatApp.setUser): a verified identity gets its own visitor token, and
   * so its conversations on any device. A wrong hash leaves the visitor as it was.
   * @param {{ identifier: string, identifierHash: string, name?: string, email?: string }} user
   */
  async function identify(user) {
    state.identityError = ''
    try {
      const identity = await deps.api.widget.identify(user)
      if (identity.visitorToken === token()) return
      storage.setItem(VISITOR_TOKEN_KEY, identity.visitorToken)
      await restart()
    } catch (error) {
      state.identityError = error?.message || 'Your account could not be verified.'
      console.warn('ChatApp: setUser was refused:', state.identityError)
    }
  }

  /** The host page's customer signed out: forget the visitor on this device. */
  async function logout() {
    storage.removeItem(VISITOR_TOKEN_KEY)
    await restart()
  }

  function send(draft) {
    if (!state.conversation || state.conversation.status === 'Closed') return null
    typing.stop()
    return thread.send(draft)
  }

  /** The visitor looked away (tab hidden, widget minimised) or came back. */
  function setAway(away) {
    state.away = away
    if (!away) {
      if (state.unread) {
        state.unread = 0
        deps.onUnreadChange?.(0)
      }
      markRead.now()
    }
  }

  return {
    state,
    thread,
    init,
    start,
    startNew,
    rate,
    identify,
    logout,
    loadSettings,
    send,
    retry: (clientMessageId) => thread.retry(clientMessageId),
    input: (hasText) => typing.input(hasText),
    setAway,
    isOwn,
    get chat() {
      return chat
    },
  }
}
