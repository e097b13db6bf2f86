import { describe, expect, it, vi } from 'vitest'
import { createConversationController } from './conversationController.js'

const ID = 'conv-1'
const ME = { id: 'me', role: 'Operator' }

function msg(id, extra = {}) {
  return { id, conversationId: ID, clientMessageId: `c${id}`, senderKind: 'Visitor', body: `m${id}`, createdAt: '2025-01-01T00:00:00Z', ...extra }
}

function fakeChat() {
  const handlers = {}
  const connected = []
  return {
    isConnected: true,
    handlers,
    invoke: vi.fn(async (method) => (method === 'GetMessagesAfter' ? [] : method === 'JoinConversation' ? { id: ID, status: 'Open' } : undefined)),
    on: vi.fn((name, h) => { handlers[name] = h; return () => delete handlers[name] }),
    onConnected: vi.fn((h) => { connected.push(h); return () => connected.splice(connected.indexOf(h), 1) }),
    reconnect: async () => { for (const h of [...connected]) await h('reconnected') },
    connected,
  }
}

function setup(apiOverrides = {}) {
  const chat = fakeChat()
  const api = {
    conversations: {
      get: vi.fn(async () => ({ id: ID, status: 'Open', visitorName: 'Ada', userAgent: 'UA' })),
      messages: vi.fn(async () => [msg(1), msg(2)]),
      send: vi.fn(),
      assign: vi.fn(async (id, userId) => ({ id: ID, status: 'Assigned', assignedUserId: userId ?? ME.id })),
      close: vi.fn(async () => ({ id: ID, status: 'Closed' })),
      ...apiOverrides,
    },
    uploads: { upload: vi.fn() },
  }
  const onSummary = vi.fn()
  const onVisitorMessage = vi.fn()
  const ctl = createConversationController({ api, chat, conversationId: ID, me: () => ME, onSummary, onVisitorMessage })
  return { ctl, chat, api, onSummary, onVisitorMessage }
}

describe('conversation controller', () => {
  it('loads the conversation and history, joins the group, fetches anything newer and marks read', async () => {
    const { ctl, chat } = setup()
    await ctl.load()
    expect(ctl.state.conversation.visitorName).toBe('Ada')
    expect(ctl.thread.state.messages.map((m) => m.id)).toEqual([1, 2])
    expect(chat.invoke).toHaveBeenCalledWith('JoinConversation', ID)
    expect(chat.invoke).toHaveBeenCalledWith('GetMessagesAfter', ID, 2)
    expect(chat.invoke).toHaveBeenCalledWith('MarkRead', ID, 2)
  })

  it('read receipts: starts from visitorLastReadMessageId and follows MessagesRead from the visitor only', async () => {
    const { ctl, chat } = setup({ get: vi.fn(async () => ({ id: ID, status: 'Open', visitorLastReadMessageId: 1 })) })
    await ctl.load()
    expect(ctl.state.seenUpTo).toBe(1)
    chat.handlers.MessagesRead({ conversationId: ID, readerKind: 'Visitor', upToMessageId: 2 })
    expect(ctl.state.seenUpTo).toBe(2)
    chat.handlers.MessagesRead({ conversationId: ID, readerKind: 'Operator', upToMessageId: 5 })
    chat.handlers.MessagesRead({ conversationId: 'other', readerKind: 'Visitor', upToMessageId: 5 })
    chat.handlers.MessagesRead({ conversationId: ID, readerKind: 'Visitor', upToMessageId: 1 })
    expect(ctl.state.seenUpTo).toBe(2)
    // A rejoin after a reconnect brings the stored value (the event may have been missed).
    chat.invoke.mockImplementation(async (method) => (method === 'JoinConversation' ? { id: ID, status: 'Open', visitorLastReadMessageId: 6 } : method === 'GetMessagesAfter' ? [] : undefined))
    await chat.reconnect()
    expect(ctl.state.seenUpTo).toBe(6)
    ctl.dispose()
    expect(chat.handlers.MessagesRead).toBeUndefined()
  })

  it('shows the load error', async () => {
    const { ctl } = setup({ get: vi.fn(async () => { throw new Error('Conversation not found') }) })
    await ctl.load()
    expect(ctl.state.error).toBe('Conversation not found')
  })

  it('re-joins and merges missed messages after a reconnect, without duplicates', async () => {
    const { ctl, chat } = setup()
    await ctl.load()
    chat.invoke.mockImplementation(async (method, id, after) =>
      method === 'GetMessagesAfter' ? [msg(2), msg(3)].filter((m) => m.id > after) : method === 'JoinConversation' ? { id: ID } : undefined)
    await chat.reconnect()
    await chat.reconnect()
    expect(chat.invoke.mock.calls.filter((c) => c[0] === 'JoinConversation')).toHaveLength(3)
    expect(ctl.thread.state.messages.map((m) => m.id)).toEqual([1, 2, 3])
  })

  it('handles live messages, typing and updates for its own conversation only', async () => {
    const { ctl, chat, onVisitorMessage, onSummary } = setup()
    await ctl.load()
    chat.handlers.TypingChanged({ conversationId: ID, senderKind: 'Visitor', isTyping: true })
    chat.handlers.TypingChanged({ conversationId: 'other', senderKind: 'Visitor', isTyping: true })
    expect(ctl.state.typists).toHaveLength(1)
    chat.handlers.MessageReceived(msg(5))
    chat.handlers.MessageReceived(msg(5))
    chat.handlers.MessageReceived(msg(6, { conversationId: 'other' }))
    expect(ctl.thread.state.messages.map((m) => m.id)).toEqual([1, 2, 5])
    expect(ctl.state.typists).toHaveLength(0)
    expect(onVisitorMessage).toHaveBeenCalledOnce()
    chat.handlers.ConversationUpdated({ id: ID, status: 'Closed' })
    chat.handlers.ConversationUpdated({ id: 'other', status: 'Closed' })
    expect(ctl.state.conversation.status).toBe('Closed')
    expect(onSummary).toHaveBeenLastCalledWith({ id: ID, status: 'Closed' })
    expect(onSummary.mock.calls.every(([c]) => c.id === ID)).toBe(true)
  })

  it('applies batched previews (ConversationsUpdated) for its own conversation only', async () => {
    const { ctl, chat } = setup()
    await ctl.load()
    chat.handlers.ConversationsUpdated([
      { id: 'other', lastMessagePreview: 'not mine' },
      { id: ID, lastMessagePreview: 'latest', unreadCount: 3 },
    ])
    expect(ctl.state.conversation.lastMessagePreview).toBe('latest')
    expect(ctl.state.conversation.unreadCount).toBe(3)
  })

  it('marks read at most once a second, and only when there is something new', async () => {
    vi.useFakeTimers()
    try {
      const { ctl, chat } = setup()
      await ctl.load()
      const marks = () => chat.invoke.mock.calls.filter(([method]) => method === 'MarkRead').length
      const before = marks()
      chat.handlers.MessageReceived(msg(5))
      chat.handlers.MessageReceived(msg(6))
      chat.handlers.MessageReceived(msg(7))
      expect(marks()).toBeLessThanOrEqual(before + 1)
      vi.advanceTimersByTime(1000)
      expect(chat.invoke).toHaveBeenLastCalledWith('MarkRead', ID, 7)
      const afterBurst = marks()
      vi.advanceTimersByTime(5000)
      ctl.markRead()
      vi.advanceTimersByTime(1000)
      expect(marks()).toBe(afterBurst)
    } finally {
      vi.useRealTimers()
    }
  })

  it('knows its own messages by sender user id', () => {
    const { ctl } = setup()
    expect(ctl.isOwn({ senderKind: 'Operator', senderUserId: 'me' })).toBe(true)
    expect(ctl.isOwn({ senderKind: 'Operator', senderUserId: 'colleague' })).toBe(false)
    expect(ctl.isOwn({ senderKind: 'Visitor' })).toBe(false)
  })

  it('sends through the hub with the client message id', async () => {
    const { ctl, chat } = setup()
    await ctl.load()
    chat.invoke.mockImplementation(async (method, id, cid, body) => (method === 'SendMessage' ? msg(9, { clientMessageId: cid, senderKind: 'Operator', senderUserId: 'me', body }) : undefined))
    const cid = ctl.send({ body: 'Hello Ada' })
    await ctl.thread.settled()
    expect(chat.invoke).toHaveBeenCalledWith('SendMessage', ID, cid, 'Hello Ada', null)
    expect(ctl.thread.state.messages.at(-1).id).toBe(9)
  })

  it('assigns (to me or to someone) and closes, keeping the server error on failure', async () => {
    const { ctl, api } = setup()
    await ctl.load()
    expect(await ctl.assign()).toBe(true)
    expect(api.conversations.assign).toHaveBeenCalledWith(ID, undefined, undefined)
    expect(ctl.state.conversation.assignedUserId).toBe('me')
    await ctl.assign('u2', 'Customer wants a refund')
    expect(api.conversations.assign).toHaveBeenLastCalledWith(ID, 'u2', 'Customer wants a refund')
    expect(ctl.state.conversation.assignedUserId).toBe('u2')
    await ctl.close()
    expect(ctl.state.conversation.status).toBe('Closed')
    api.conversations.close.mockRejectedValueOnce(new Error('Already closed'))
    expect(await ctl.close()).toBe(false)
    expect(ctl.state.actionError).toBe('Already closed')
  })

  it('reopens and unassigns through the API', async () => {
    const { ctl, api } = setup({
      reopen: vi.fn(async () => ({ id: ID, status: 'Open', assignedUserId: null })),
      unassign: vi.fn(async () => ({ id: ID, status: 'Open', assignedUserId: null })),
    })
    await ctl.load()
    await ctl.reopen()
    expect(api.conversations.reopen).toHaveBeenCalledWith(ID)
    await ctl.unassign()
    expect(api.conversations.unassign).toHaveBeenCalledWith(ID)
    expect(ctl.state.conversation.status).toBe('Open')
  })

  it('sends a private note with SendNote (REST when the hub is down), and never as typing to the visitor', async () => {
    const { ctl, chat, api } = setup({ sendNote: vi.fn(async (id, n) => ({ id: 21, conversationId: ID, clientMessageId: n.clientMessageId, senderKind: 'Operator', senderUserId: ME.id, body: n.body, isPrivate: true })) })
    chat.invoke.mockImplementation(async (method, ...args) => {
      if (method === 'SendNote') return { id: 20, conversationId: ID, clientMessageId: args[1], senderKind: 'Operator', senderUserId: ME.id, body: args[2], isPrivate: true }
      return method === 'GetMessagesAfter' ? [] : method === 'JoinConversation' ? { id: ID, status: 'Open' } : undefined
    })
    await ctl.load()
    ctl.input(true, true)
    expect(chat.invoke).not.toHaveBeenCalledWith('SetTyping', ID, true)
    const cid = ctl.send({ body: 'Refund approved by finance', isPrivate: true })
    await ctl.thread.settled()
    expect(chat.invoke).toHaveBeenCalledWith('SendNote', ID, cid, 'Refund approved by finance')
    expect(chat.invoke).not.toHaveBeenCalledWith('SendMessage', ID, cid, expect.anything(), expect.anything())
    expect(ctl.thread.state.messages.at(-1)).toMatchObject({ id: 20, isPrivate: true })

    chat.isConnected = false
    const offline = ctl.send({ body: 'Second note', isPrivate: true })
    await ctl.thread.settled()
    expect(api.conversations.sendNote).toHaveBeenCalledWith(ID, { clientMessageId: offline, body: 'Second note' })
    expect(api.conversations.send).not.toHaveBeenCalled()
  })

  it('leaves the group and unsubscribes on dispose', async () => {
    const { ctl, chat } = setup()
    await ctl.load()
    ctl.dispose()
    expect(chat.invoke).toHaveBeenCalledWith('LeaveConversation', ID)
    expect(Object.keys(chat.handlers)).toEqual([])
    expect(chat.connected).toHaveLength(0)
  })
})
