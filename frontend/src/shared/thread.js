import { computed, markRaw, reactive } from 'vue'
import { lastMessageId, mergeMessages, newClientMessageId } from './messages.js'
import { retryAfterSeconds, serverMessage } from './serverErrors.js'

/** How many times a send the server asked to retry later is retried by itself before it shows as failed. */
export const MAX_AUTOMATIC_RETRIES = 12

/**
 * One conversation's messages as a client sees them: the stored messages (merged by id) plus an outbox
 * of own messages not stored yet. An outbox entry is `sending` or `failed`; retrying a failed one sends it
 * again with the SAME clientMessageId, so the server stores it once. An entry leaves the outbox as soon
 * as a stored message with its clientMessageId arrives, by whichever path (the send's reply, the hub's
 * MessageReceived, or a resume after reconnecting).
 *
 * @param {{
 *   send: (message: { clientMessageId: string, body: string, attachmentId: string | null, isPrivate: boolean }) => Promise<any>,
 *   upload?: (file: File) => Promise<{ id: string }>,
 *   timeoutMs?: number,
 *   newId?: () => string,
 *   sleep?: (ms: number) => Promise<void>,
 *   onRetryLater?: (error: unknown, seconds: number) => void,
 *   onDelivered?: () => void,
 * }} options
 *
 * A refusal that says when to try again ("… Try again in 5 seconds.": the server's database is down, or the sender
 * is over its rate) is retried by itself after that wait, still showing as sending; `onRetryLater` hears of it.
 */
export function createThread(options) {
  const timeoutMs = options.timeoutMs ?? 15000
  const newId = options.newId ?? newClientMessageId
  const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))

  const state = reactive({
    /** @type {any[]} stored messages, ascending by id */
    messages: [],
    /** @type {{ clientMessageId: string, body: string, file: File | null, attachment: any, previewUrl: string | null, state: 'sending' | 'failed', error: string | null, createdAt: string }[]} */
    outbox: [],
  })

  function stored(clientMessageId) {
    return state.messages.some((m) => m.clientMessageId === clientMessageId)
  }

  function merge(incoming) {
    if (!incoming?.length) return
    state.messages = mergeMessages(state.messages, incoming)
    const held = new Set(state.messages.map((m) => m.clientMessageId))
    const leaving = state.outbox.filter((e) => held.has(e.clientMessageId))
    if (leaving.length) {
      for (const e of leaving) if (e.previewUrl) globalThis.URL?.revokeObjectURL?.(e.previewUrl)
      state.outbox = state.outbox.filter((e) => !held.has(e.clientMessageId))
    }
  }

  function reset(messages = []) {
    state.messages = mergeMessages([], messages)
    state.outbox = []
  }

  async function deliver(entry) {
    entry.state = 'sending'
    entry.error = null
    try {
      if (entry.file && !entry.attachment) {
        if (!options.upload) throw new Error('Attachments are not supported here.')
        entry.attachment = await options.upload(entry.file)
      }
      const message = await withTimeout(
        options.send({
          clientMessageId: entry.clientMessageId,
          body: entry.body,
          attachmentId: entry.attachment?.id ?? null,
          isPrivate: entry.isPrivate,
        }),
        timeoutMs,
      )
      if (message && message.id != null) merge([message])
      else if (!stored(entry.clientMessageId)) throw new Error('The server did not confirm the message.')
      entry.retries = 0
      options.onDelivered?.()
    } catch (error) {
      // A stored copy may have arrived through the hub meanwhile; then the send did succeed.
      if (stored(entry.clientMessageId)) return
      const live = state.outbox.find((e) => e.clientMessageId === entry.clientMessageId)
      if (!live) return
      const wait = retryAfterSeconds(error)
      if (wait != null && (live.retries ?? 0) < MAX_AUTOMATIC_RETRIES) {
        live.retries = (live.retries ?? 0) + 1
        live.error = serverMessage(error)
        options.onRetryLater?.(error, wait)
        await sleep(wait * 1000)
        if (state.outbox.includes(live) && !stored(live.clientMessageId)) await deliver(live)
        return
      }
      live.state = 'failed'
      live.error = serverMessage(error) || 'Not sent'
      live.retries = 0
    }
  }

  /**
   * Queues and sends an own message (a private note with `isPrivate`). Returns the clientMessageId.
   * @param {{ body?: string, file?: File | null, isPrivate?: boolean }} draft
   */
  function send(draft) {
    const body = (draft.body ?? '').trim()
    // markRaw: the File must reach FormData as itself, not as a reactive proxy.
    const file = draft.file ? markRaw(draft.file) : null
    if (!body && !file) return null
    const entry = {
      clientMessageId: newId(),
      body,
      file,
      attachment: null,
      previewUrl: file && /^image\//.test(file.type) && globalThis.URL?.createObjectURL ? URL.createObjectURL(file) : null,
      state: 'sending',
      error: null,
      createdAt: new Date().toISOString(),
      isPrivate: !!draft.isPrivate,
    }
    state.outbox.push(entry)
    // deliver() works on the reactive proxy so its state changes show.
    const live = state.outbox[state.outbox.length - 1]
    deliver(live)
    return entry.clientMessageId
  }

  /** Sends a failed entry again with the same clientMessageId. */
  function retry(clientMessageId) {
    const entry = state.outbox.find((e) => e.clientMessageId === clientMessageId)
    if (!entry || entry.state === 'sending') return Promise.resolve()
    entry.retries = 0
    return deliver(entry)
  }

  /** Waits until no entry is sending (tests and callers that need the outcome). */
  async function settled() {
    while (state.outbox.some((e) => e.state === 'sending')) await new Promise((r) => setTimeout(r, 0))
  }

  const lastId = computed(() => lastMessageId(state.messages))

  return { state, merge, reset, send, retry, settled, lastId }
}

function withTimeout(promise, ms) {
  if (!ms) return promise
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('Sending timed out')), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
