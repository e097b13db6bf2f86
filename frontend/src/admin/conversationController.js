import { reactive } from 'vue'
import { fetchAllMessages } from '../shared/api.js'
import { fetchMissed } from '../shared/chatConnection.js'
import { advanceSeen, throttle } from '../shared/readReceipts.js'
import { createThread } from '../shared/thread.js'
import { createTypingSender, createTypingWatcher } from '../shared/typing.js'

/**
 * One open conversation in the admin view: loads it and its history, joins its hub group (again after
 * every reconnect, fetching what was missed), sends replies and private notes with the outbox, typing both
 * ways, assign, transfer, unassign, close and reopen.
 *
 * @param {{
 *   api: any, chat: any, conversationId: string, me: () => ({ id: string, role: string } | null),
 *   isAway?: () => boolean, onVisitorMessage?: (message: any) => void, onSummary?: (summary: any) => void,
 * }} deps
 */
export function createConversationController(deps) {
  const { api, chat, conversationId: id } = deps
  const state = reactive({
    loading: true,
    error: '',
    actionError: '',
    busy: false,
    conversation: null,
    typists: [],
    /** The highest message id the visitor has read (read receipts: "Seen" on staff messages up to it). */
    seenUpTo: 0,
  })

  const thread = createThread({
    send: (m) => {
      if (m.isPrivate) {
        return chat.isConnected
          ? chat.invoke('SendNote', id, m.clientMessageId, m.body)
          : api.conversations.sendNote(id, { clientMessageId: m.clientMessageId, body: m.body })
      }
      return chat.isConnected
        ? chat.invoke('SendMessage', id, m.clientMessageId, m.body, m.attachmentId)
        : api.conversations.send(id, m)
    },
    upload: (file) => api.uploads.upload(file),
  })
  const watcher = createTypingWatcher((t) => {
    state.typists = t
  })
  const typing = createTypingSender((isTyping) => (chat.isConnected ? chat.invoke('SetTyping', id, isTyping) : null))

  let disposed = false
  const offs = []

  function isOwn(m) {
    return m.senderKind === 'Operator' && !!m.senderUserId && m.senderUserId === deps.me()?.id
  }

  function updateConversation(c) {
    if (!c || c.id !== id) return
    state.conversation = { ...state.conversation, ...c }
    updateSeen(c)
    deps.onSummary?.(c)
  }

  function updateSeen(c) {
    const upTo = c?.visitorLastReadMessageId
    if (upTo && upTo > state.seenUpTo) state.seenUpTo = upTo
  }

  // At once, then at most once a second, and only when there is something new: a busy conversation must not
  // cost a hub call per message.
  let markedUpTo = 0
  const markRead = throttle(() => {
    const upTo = thread.lastId.value
    if (!upTo || upTo <= markedUpTo || !chat.isConnected || deps.isAway?.()) return
    markedUpTo = upTo
    chat.invoke('MarkRead', id, upTo).catch(() => {
      markedUpTo = 0
    })
  }, 1000)

  function onMessage(m) {
    if (m.conversationId !== id) return
    const isNew = !thread.state.messages.some((x) => x.id === m.id)
    thread.merge([m])
    if (!isNew) return
    if (m.senderKind === 'Visitor') {
      watcher.messageFrom('Visitor', m.senderName)
      deps.onVisitorMessage?.(m)
    }
    markRead()
  }

  async function join() {
    if (disposed) return
    const joined = await chat.invoke('JoinConversation', id)
    updateConversation(joined)
    const missed = await fetchMissed(chat, id, thread.lastId.value)
    for (const m of missed) onMessage(m)
    markRead()
  }

  async function load() {
    state.loading = true
    state.error = ''
    try {
      const [conversation, messages] = await Promise.all([
        api.conversations.get(id),
        fetchAllMessages((after, limit) => api.conversations.messages(id, after, limit), 0, 500),
      ])
      if (disposed) return
      state.conversation = conversation
      updateSeen(conversation)
      thread.reset(messages)
    } catch (error) {
      state.error = error?.message || 'Could not load the conversation.'
      return
    } finally {
      state.loading = false
    }
    offs.push(
      chat.on('MessageReceived', onMessage),
      chat.on('TypingChanged', (e) => {
        if (e.conversationId === id && e.senderKind === 'Visitor') watcher.update(e)
      }),
      chat.on('ConversationUpdated', updateConversation),
      chat.on('MessagesRead', (e) => {
        state.seenUpTo = advanceSeen(state.seenUpTo, e, id, 'Visitor')
      }),
      chat.on('ConversationsUpdated', (summaries) => summaries.forEach(updateConversation)),
      chat.onConnected(() => join()),
    )
    if (chat.isConnected) await join().catch(() => {})
  }

  async function act(fn) {
    state.busy = true
    state.actionError = ''
    try {
      updateConversation(await fn())
      return true
    } catch (error) {
      state.actionError = error?.message || 'That did not work.'
      return false
    } finally {
      state.busy = false
    }
  }

  return {
    state,
    thread,
    isOwn,
    load,
    markRead,
    /** Sends a reply, or a private note with `draft.isPrivate` (never shown to the visitor). */
    send(draft) {
      typing.stop()
      return thread.send(draft)
    },
    retry: (cid) => thread.retry(cid),
    /** Typing reaches the visitor only for replies: writing a note must not show "Support is typing…". */
    input: (hasText, isPrivate = false) => (isPrivate ? typing.stop() : typing.input(hasText)),
    assign: (userId, note) => act(() => api.conversations.assign(id, userId, note)),
    unassign: () => act(() => api.conversations.unassign(id)),
    close: () => act(() => api.conversations.close(id)),
    reopen: () => act(() => api.conversations.reopen(id)),
    dispose() {
      disposed = true
      markRead.cancel()
      typing.stop()
      watcher.clear()
      for (const off of offs) off()
      if (chat.isConnected) chat.invoke('LeaveConversation', id).catch(() => {})
    },
  }
}
