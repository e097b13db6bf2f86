import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../shared/api.js'
import { createWidgetStore, VISITOR_TOKEN_KEY, visitorStorage } from './widgetStore.js'
import { WAIT } from '../testUtils.js'

const CID = '11111111-1111-1111-1111-111111111111'

function memoryStorage(initial = {}) {
  const data = new Map(Object.entries(initial))
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
    data,
  }
}

function fakeChat() {
  const handlers = {}
  const connected = []
  const chat = {
    isConnected: true,
    tokenFactory: null,
    invoke: vi.fn(async () => undefined),
    start: vi.fn(async () => {
      for (const h of connected) await h('started')
      return true
    }),
    stop: vi.fn(async () => {}),
    on: (name, h) => { handlers[name] = h },
    onStatusChange: () => {},
    onConnected: (h) => connected.push(h),
    emit: (name, payload) => handlers[name](payload),
    reconnect: async () => { for (const h of connected) await h('reconnected') },
  }
  return chat
}

function conversation(extra = {}) {
  return { id: CID, status: 'Open', visitorName: 'Ada', visitorEmail: 'ada@example.com', ...extra }
}

function msg(id, extra = {}) {
  return { id, conversationId: CID, clientMessageId: `c${id}`, senderKind: 'Operator', senderName: 'Sam', body: `m${id}`, createdAt: '2025-01-01T00:00:00Z', ...extra }
}

function setup({ storage = memoryStorage(), api = {}, sleep } = {}) {
  const chat = fakeChat()
  const fullApi = {
    widget: {
      start: vi.fn(async () => ({ visitorToken: 'vt-new', visitorId: 'v1', conversation: conversation() })),
      current: vi.fn(async () => ({ visitorToken: 'vt-fresh', visitorId: 'v1', conversation: conversation() })),
      get: vi.fn(async () => conversation()),
      messages: vi.fn(async () => []),
      send: vi.fn(),
      ...api.widget,
    },
    uploads: { upload: vi.fn() },
  }
  const onReply = vi.fn()
  const store = createWidgetStore({
    api: fullApi,
    createChat: (tokenFactory) => { chat.tokenFactory = tokenFactory; return chat },
    storage,
    pageUrl: 'https://shop.test/checkout',
    onReply,
    sleep,
  })
  return { store, chat, api: fullApi, storage, onReply }
}

describe('widget store', () => {
  it('shows the start form when there is no visitor token', async () => {
    const { store, api } = setup()
    await store.init()
    expect(store.state.phase).toBe('start')
    expect(api.widget.current).not.toHaveBeenCalled()
  })

  it('starts a conversation with name, email and page URL, keeps the token and connects', async () => {
    const { store, api, storage, chat } = setup()
    await store.init()
    await store.start({ name: ' Ada ', email: '' })
    expect(api.widget.start).toHaveBeenCalledWith({ name: 'Ada', email: undefined, pageUrl: 'https://shop.test/checkout' })
    expect(storage.getItem(VISITOR_TOKEN_KEY)).toBe('vt-new')
    expect(store.state.phase).toBe('chat')
    expect(chat.start).toHaveBeenCalled()
    expect(chat.tokenFactory()).toBe('vt-new')
  })

  it('shows the server error when starting fails', async () => {
    const { store } = setup({
      api: { widget: { start: vi.fn(async () => { throw new ApiError(429, { title: 'Too many requests', detail: 'Slow down.' }) }) } },
    })
    await store.start({})
    expect(store.state.startError).toBe('Slow down.')
    expect(store.state.phase).not.toBe('chat')
  })

  it('restores the conversation and its history on reload', async () => {
    const storage = memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt-old' })
    const { store, storage: s } = setup({ storage, api: { widget: { messages: vi.fn(async () => [msg(1), msg(2)]) } } })
    await store.init()
    expect(store.state.phase).toBe('chat')
    expect(store.thread.state.messages.map((m) => m.id)).toEqual([1, 2])
    expect(s.getItem(VISITOR_TOKEN_KEY)).toBe('vt-fresh')
  })

  it('keeps the token on 404 (same visitor, no conversation) and drops it on 401', async () => {
    const notFound = setup({
      storage: memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt' }),
      api: { widget: { current: vi.fn(async () => { throw new ApiError(404, null) }) } },
    })
    await notFound.store.init()
    expect(notFound.store.state.phase).toBe('start')
    expect(notFound.storage.getItem(VISITOR_TOKEN_KEY)).toBe('vt')

    const expired = setup({
      storage: memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt' }),
      api: { widget: { current: vi.fn(async () => { throw new ApiError(401, null) }) } },
    })
    await expired.store.init()
    expect(expired.store.state.phase).toBe('start')
    expect(expired.storage.getItem(VISITOR_TOKEN_KEY)).toBeNull()
  })

  it('says the chat is unavailable when the API cannot be reached', async () => {
    const { store } = setup({
      storage: memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt' }),
      api: { widget: { current: vi.fn(async () => { throw new ApiError(0, null) }) } },
    })
    await store.init()
    expect(store.state.phase).toBe('unavailable')
    expect(store.state.loadError).toMatch(/Cannot reach/)
  })

  it('sends over the hub with a client message id, and over REST while disconnected', async () => {
    const { store, chat, api } = setup()
    await store.start({})
    chat.invoke.mockImplementation(async (method, id, cid, body) => (method === 'SendMessage' ? msg(5, { clientMessageId: cid, senderKind: 'Visitor', body }) : []))
    const cid = store.send({ body: 'Hello' })
    await store.thread.settled()
    expect(chat.invoke).toHaveBeenCalledWith('SendMessage', CID, cid, 'Hello', null)
    expect(store.thread.state.messages.at(-1).clientMessageId).toBe(cid)

    chat.isConnected = false
    api.widget.send.mockImplementation(async (id, m) => msg(6, { ...m, senderKind: 'Visitor' }))
    store.send({ body: 'Offline' })
    await store.thread.settled()
    expect(api.widget.send).toHaveBeenCalledWith(CID, expect.objectContaining({ body: 'Offline', attachmentId: null }))
  })

  it('merges live messages by id and counts replies while away', async () => {
    const { store, chat, onReply } = setup()
    await store.start({})
    chat.emit('MessageReceived', msg(1))
    chat.emit('MessageReceived', msg(1))
    expect(store.thread.state.messages).toHaveLength(1)
    expect(chat.invoke).toHaveBeenCalledWith('MarkRead', CID, 1)

    store.setAway(true)
    chat.emit('MessageReceived', msg(2))
    chat.emit('MessageReceived', msg(3, { senderKind: 'Visitor' }))
    chat.emit('MessageReceived', msg(4, { conversationId: 'other' }))
    expect(store.state.unread).toBe(1)
    expect(onReply).toHaveBeenCalledOnce()
    store.setAway(false)
    expect(store.state.unread).toBe(0)
    expect(chat.invoke).toHaveBeenLastCalledWith('MarkRead', CID, 3)
  })

  it('read receipts: starts from operatorLastReadMessageId and follows MessagesRead from the operator only', async () => {
    const { store, chat } = setup({
      storage: memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt' }),
      api: { widget: { current: vi.fn(async () => ({ visitorToken: 'vt', visitorId: 'v1', conversation: conversation({ operatorLastReadMessageId: 4 }) })) } },
    })
    await store.init()
    expect(store.state.seenUpTo).toBe(4)
    chat.emit('MessagesRead', { conversationId: CID, readerKind: 'Operator', upToMessageId: 7 })
    expect(store.state.seenUpTo).toBe(7)
    chat.emit('MessagesRead', { conversationId: CID, readerKind: 'Visitor', upToMessageId: 9 })
    chat.emit('MessagesRead', { conversationId: 'other', readerKind: 'Operator', upToMessageId: 9 })
    chat.emit('MessagesRead', { conversationId: CID, readerKind: 'Operator', upToMessageId: 5 })
    expect(store.state.seenUpTo).toBe(7)
  })

  it('a new conversation starts with nothing seen', async () => {
    const { store, chat } = setup()
    await store.start({})
    chat.emit('MessagesRead', { conversationId: CID, readerKind: 'Operator', upToMessageId: 3 })
    expect(store.state.seenUpTo).toBe(3)
    store.state.conversation = { ...store.state.conversation, status: 'Closed' }
    await store.startNew()
    expect(store.state.seenUpTo).toBe(0)
  })

  it('throttles MarkRead while many messages arrive, then marks the latest id', async () => {
    vi.useFakeTimers()
    try {
      const { store, chat } = setup()
      await store.start({})
      chat.invoke.mockClear()
      for (let i = 1; i <= 20; i++) chat.emit('MessageReceived', msg(i))
      const marks = () => chat.invoke.mock.calls.filter((c) => c[0] === 'MarkRead')
      expect(marks()).toEqual([['MarkRead', CID, 1]])
      await vi.advanceTimersByTimeAsync(1000)
      expect(marks()).toEqual([['MarkRead', CID, 1], ['MarkRead', CID, 20]])
      // Nothing new: coming back does not repeat it.
      store.setAway(true)
      store.setAway(false)
      expect(marks()).toHaveLength(2)
      // Hidden: nothing is marked until the visitor is back.
      store.setAway(true)
      chat.emit('MessageReceived', msg(21))
      await vi.advanceTimersByTimeAsync(2000)
      expect(marks()).toHaveLength(2)
      store.setAway(false)
      expect(marks().at(-1)).toEqual(['MarkRead', CID, 21])
    } finally {
      vi.useRealTimers()
    }
  })

  it('after a reconnect fetches what it missed with GetMessagesAfter(lastId), without duplicates', async () => {
    const { store, chat } = setup({ storage: memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt' }), api: { widget: { messages: vi.fn(async () => [msg(1), msg(2)]) } } })
    await store.init()
    chat.invoke.mockImplementation(async (method, id, after) => (method === 'GetMessagesAfter' ? [msg(2), msg(3), msg(4)].filter((m) => m.id > after) : undefined))
    await chat.reconnect()
    expect(chat.invoke).toHaveBeenCalledWith('GetMessagesAfter', CID, 2)
    expect(store.thread.state.messages.map((m) => m.id)).toEqual([1, 2, 3, 4])
    await chat.reconnect()
    expect(store.thread.state.messages.map((m) => m.id)).toEqual([1, 2, 3, 4])
  })

  it('shows typing from staff only, and clears it when their message arrives', async () => {
    const { store, chat } = setup()
    await store.start({})
    chat.emit('TypingChanged', { conversationId: CID, senderKind: 'Operator', senderName: 'Sam', isTyping: true })
    chat.emit('TypingChanged', { conversationId: CID, senderKind: 'Visitor', isTyping: true })
    expect(store.state.typists.map((t) => t.name)).toEqual(['Sam'])
    chat.emit('MessageReceived', msg(9))
    expect(store.state.typists).toEqual([])
  })

  it('a closed conversation refuses sends; "start a new conversation" reuses name and email and reconnects', async () => {
    const { store, chat, api } = setup()
    await store.start({ name: 'Ada', email: 'ada@example.com' })
    chat.emit('ConversationUpdated', { ...conversation(), status: 'Closed' })
    expect(store.state.conversation.status).toBe('Closed')
    expect(store.send({ body: 'hello?' })).toBeNull()

    api.widget.start.mockResolvedValueOnce({ visitorToken: 'vt-2', visitorId: 'v1', conversation: conversation({ id: '22222222-2222-2222-2222-222222222222' }) })
    await store.startNew()
    expect(api.widget.start).toHaveBeenLastCalledWith({ name: 'Ada', email: 'ada@example.com', pageUrl: 'https://shop.test/checkout' })
    expect(store.state.conversation.status).toBe('Open')
    expect(store.thread.state.messages).toEqual([])
    expect(chat.stop).toHaveBeenCalled()
    expect(chat.start).toHaveBeenCalledTimes(2)
  })
})

describe('visitorStorage', () => {
  it('uses localStorage when the page may', () => {
    const local = memoryStorage()
    expect(visitorStorage({ localStorage: local })).toBe(local)
  })

  it('keeps the token in memory when site data is blocked (third-party iframe)', () => {
    const blocked = {
      get localStorage() {
        throw new DOMException("Failed to read the 'localStorage' property from 'Window'", 'SecurityError')
      },
    }
    const storage = visitorStorage(blocked)
    expect(storage.getItem(VISITOR_TOKEN_KEY)).toBeNull()
    storage.setItem(VISITOR_TOKEN_KEY, 'tok')
    expect(storage.getItem(VISITOR_TOKEN_KEY)).toBe('tok')
    storage.removeItem(VISITOR_TOKEN_KEY)
    expect(storage.getItem(VISITOR_TOKEN_KEY)).toBeNull()
  })

  it('shows reconnecting while the server cannot reach its database, retries by itself, and clears once the message is stored', async () => {
    const waits = []
    let wake
    const sleep = (ms) => { waits.push(ms); return new Promise((r) => { wake = r }) }
    const { store, chat } = setup({ storage: memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt' }), sleep })
    await store.init()
    const unavailable = new Error("An unexpected error occurred invoking 'SendMessage' on the server. HubException: The chat cannot reach its database right now; nothing was lost. Try again in 5 seconds.")
    chat.invoke.mockImplementation(async (method, id, clientMessageId) => {
      if (method !== 'SendMessage') return undefined
      if (waits.length === 0) throw unavailable
      return msg(50, { clientMessageId, senderKind: 'Visitor' })
    })

    const cid = store.send({ body: 'hello?' })
    await vi.waitFor(() => expect(waits).toEqual([5000]), WAIT)
    expect(store.state.serverUnavailable).toBe(true)
    expect(store.thread.state.outbox[0]).toMatchObject({ clientMessageId: cid, state: 'sending' })

    wake()
    await store.thread.settled()
    expect(store.thread.state.outbox).toHaveLength(0)
    expect(store.thread.state.messages.map((m) => m.clientMessageId)).toEqual([cid])
    expect(store.state.serverUnavailable).toBe(false)
  })

  it('sends the message of an offline visit with the start, and shows the conversation', async () => {
    const { store, api } = setup({
      api: { widget: { start: vi.fn(async () => ({ visitorToken: 'vt-new', visitorId: 'v1', conversation: conversation({ isOfflineMessage: true }) })) } },
    })
    await store.start({ name: 'Owl', email: 'owl@example.com', message: ' Where is my order? ' })
    expect(api.widget.start).toHaveBeenCalledWith({ name: 'Owl', email: 'owl@example.com', pageUrl: 'https://shop.test/checkout', message: 'Where is my order?' })
    expect(store.state.conversation.isOfflineMessage).toBe(true)
  })

  it('loads the public settings with the start form, and again when a start is refused', async () => {
    const settings = vi.fn(async () => ({ availability: { status: 'Away' }, preChat: { name: 'Off', email: 'Required' } }))
    const { store } = setup({
      api: { widget: { settings, start: vi.fn(async () => { throw new ApiError(400, { detail: 'Nobody is available right now' }) }) } },
    })
    await store.init()
    expect(store.state.settings.availability.status).toBe('Away')
    await store.start({})
    expect(store.state.startError).toBe('Nobody is available right now')
    expect(settings).toHaveBeenCalledTimes(2)
  })

  it('rates a closed conversation once and keeps the rating it got back', async () => {
    const rate = vi.fn(async () => conversation({ status: 'Closed', rating: { score: 4, comment: 'Nice' } }))
    const { store } = setup({ api: { widget: { rate } } })
    await store.start({})
    await store.rate(4, ' Nice ')
    expect(rate).toHaveBeenCalledWith(CID, { score: 4, comment: 'Nice' })
    expect(store.state.conversation.rating.score).toBe(4)

    rate.mockImplementationOnce(async () => { throw new ApiError(409, { detail: 'This conversation is already rated' }) })
    await store.rate(2)
    expect(store.state.rating.error).toBe('This conversation is already rated')
  })

  it('a verified host-page user gets its own token and its conversation; a refused one stays as it was', async () => {
    const storage = memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt-anon' })
    const identify = vi.fn(async () => ({ visitorToken: 'vt-customer', visitorId: 'v9' }))
    const current = vi.fn(async () => ({ visitorToken: storage.getItem(VISITOR_TOKEN_KEY), visitorId: 'v9', conversation: conversation() }))
    const { store } = setup({ storage, api: { widget: { identify, current } } })
    await store.init()
    await store.identify({ identifier: 'c-42', identifierHash: 'ab' })
    expect(identify).toHaveBeenCalledWith({ identifier: 'c-42', identifierHash: 'ab' })
    expect(storage.getItem(VISITOR_TOKEN_KEY)).toBe('vt-customer')
    expect(current).toHaveBeenCalledTimes(2)

    identify.mockImplementationOnce(async () => { throw new ApiError(401, { detail: 'The identity could not be verified' }) })
    await store.identify({ identifier: 'c-42', identifierHash: 'wrong' })
    expect(store.state.identityError).toBe('The identity could not be verified')
    expect(storage.getItem(VISITOR_TOKEN_KEY)).toBe('vt-customer')
  })

  it('forgets the visitor when the host page signs the customer out', async () => {
    const storage = memoryStorage({ [VISITOR_TOKEN_KEY]: 'vt' })
    const { store } = setup({ storage })
    await store.init()
    await store.logout()
    expect(storage.getItem(VISITOR_TOKEN_KEY)).toBeNull()
    expect(store.state.phase).toBe('start')
    expect(store.state.conversation).toBeNull()
  })
})
