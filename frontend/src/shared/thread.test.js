import { describe, expect, it, vi } from 'vitest'
import { createThread } from './thread.js'

let n = 0
const ids = () => `cid-${++n}`

function stored(clientMessageId, id, extra = {}) {
  return { id, conversationId: 'c1', clientMessageId, senderKind: 'Visitor', body: 'hi', createdAt: new Date().toISOString(), ...extra }
}

describe('createThread', () => {
  it('shows an own message as sending, then replaces it with the stored message', async () => {
    let resolve
    const send = vi.fn(() => new Promise((r) => { resolve = r }))
    const thread = createThread({ send, newId: ids })
    const cid = thread.send({ body: '  hello  ' })
    expect(thread.state.outbox).toHaveLength(1)
    expect(thread.state.outbox[0]).toMatchObject({ clientMessageId: cid, body: 'hello', state: 'sending' })
    expect(send).toHaveBeenCalledWith({ clientMessageId: cid, body: 'hello', attachmentId: null, isPrivate: false })
    resolve(stored(cid, 10))
    await thread.settled()
    expect(thread.state.outbox).toHaveLength(0)
    expect(thread.state.messages.map((m) => m.id)).toEqual([10])
    expect(thread.lastId.value).toBe(10)
  })

  it('ignores an empty draft', () => {
    const send = vi.fn()
    const thread = createThread({ send })
    expect(thread.send({ body: '   ' })).toBeNull()
    expect(send).not.toHaveBeenCalled()
  })

  it('marks a failed send and retries it with the SAME clientMessageId', async () => {
    const send = vi.fn()
      .mockRejectedValueOnce(new Error('Connection lost'))
      .mockImplementationOnce(async (m) => stored(m.clientMessageId, 4))
    const thread = createThread({ send, newId: ids })
    const cid = thread.send({ body: 'again' })
    await thread.settled()
    expect(thread.state.outbox[0]).toMatchObject({ state: 'failed', error: 'Connection lost' })

    await thread.retry(cid)
    expect(send).toHaveBeenCalledTimes(2)
    expect(send.mock.calls[1][0].clientMessageId).toBe(cid)
    expect(thread.state.outbox).toHaveLength(0)
    expect(thread.state.messages).toHaveLength(1)
  })

  it('treats a timeout as failed, and drops the entry if the stored copy arrives later by the hub', async () => {
    const send = vi.fn(() => new Promise(() => {}))
    const thread = createThread({ send, newId: ids, timeoutMs: 5 })
    const cid = thread.send({ body: 'slow' })
    await new Promise((r) => setTimeout(r, 20))
    expect(thread.state.outbox[0].state).toBe('failed')
    thread.merge([stored(cid, 8)])
    expect(thread.state.outbox).toHaveLength(0)
    expect(thread.state.messages.map((m) => m.clientMessageId)).toEqual([cid])
  })

  it('does not duplicate when the broadcast arrives before the send returns', async () => {
    let resolve
    const thread = createThread({ send: () => new Promise((r) => { resolve = r }), newId: ids })
    const cid = thread.send({ body: 'race' })
    thread.merge([stored(cid, 3)])
    expect(thread.state.outbox).toHaveLength(0)
    resolve(stored(cid, 3))
    await thread.settled()
    expect(thread.state.messages).toHaveLength(1)
  })

  it('uploads a file first and sends the attachment id; a retry does not upload twice', async () => {
    const upload = vi.fn(async () => ({ id: 'att-1', url: '/uploads/a.png', fileName: 'a.png', contentType: 'image/png', size: 1 }))
    const send = vi.fn()
      .mockRejectedValueOnce(new Error('nope'))
      .mockImplementationOnce(async (m) => stored(m.clientMessageId, 2, { attachment: { id: 'att-1' } }))
    const thread = createThread({ send, upload, newId: ids })
    const file = new File(['x'], 'a.png', { type: 'image/png' })
    const cid = thread.send({ body: '', file })
    await thread.settled()
    expect(send.mock.calls[0][0]).toEqual({ clientMessageId: cid, body: '', attachmentId: 'att-1', isPrivate: false })
    // The very File object reaches the upload (a reactive proxy would not go into FormData).
    expect(upload.mock.calls[0][0]).toBe(file)
    await thread.retry(cid)
    expect(upload).toHaveBeenCalledTimes(1)
    expect(send.mock.calls[1][0].attachmentId).toBe('att-1')
    expect(thread.state.outbox).toHaveLength(0)
  })

  it('fails (and can retry) when the upload fails', async () => {
    const upload = vi.fn().mockRejectedValueOnce(new Error('File too large')).mockResolvedValueOnce({ id: 'a2' })
    const send = vi.fn(async (m) => stored(m.clientMessageId, 1))
    const thread = createThread({ send, upload, newId: ids })
    const cid = thread.send({ file: new File(['x'], 'big.pdf', { type: 'application/pdf' }) })
    await thread.settled()
    expect(thread.state.outbox[0]).toMatchObject({ state: 'failed', error: 'File too large' })
    expect(send).not.toHaveBeenCalled()
    await thread.retry(cid)
    expect(thread.state.outbox).toHaveLength(0)
  })

  it('reset replaces the history and clears the outbox', () => {
    const thread = createThread({ send: () => new Promise(() => {}), newId: ids })
    thread.send({ body: 'x' })
    thread.reset([{ id: 2 }, { id: 1 }])
    expect(thread.state.messages.map((m) => m.id)).toEqual([1, 2])
    expect(thread.state.outbox).toHaveLength(0)
  })

  it('retries by itself, with the SAME clientMessageId, after the wait the server asks for', async () => {
    const waits = []
    const send = vi.fn()
      .mockRejectedValueOnce(new Error("An unexpected error occurred invoking 'SendMessage' on the server. HubException: You are sending too fast (more than 20 messages a second). Try again in 1 second."))
      .mockImplementationOnce(async (m) => stored(m.clientMessageId, 12))
    const onRetryLater = vi.fn()
    const thread = createThread({ send, newId: ids, sleep: async (ms) => { waits.push(ms) }, onRetryLater })
    const cid = thread.send({ body: 'fast' })
    await thread.settled()
    expect(waits).toEqual([1000])
    expect(onRetryLater).toHaveBeenCalledWith(expect.any(Error), 1)
    expect(send.mock.calls.map((c) => c[0].clientMessageId)).toEqual([cid, cid])
    expect(thread.state.messages.map((m) => m.id)).toEqual([12])
  })

  it("shows a refusal that cannot be retried as failed, in the server's words", async () => {
    const send = vi.fn().mockRejectedValue(new Error("An unexpected error occurred invoking 'SendMessage' on the server. HubException: The message contains a NUL character (U+0000), which cannot be sent. Remove it and try again."))
    const thread = createThread({ send, newId: ids, sleep: async () => {} })
    thread.send({ body: 'bad' })
    await thread.settled()
    expect(thread.state.outbox[0]).toMatchObject({ state: 'failed', error: 'The message contains a NUL character (U+0000), which cannot be sent. Remove it and try again.' })
    expect(send).toHaveBeenCalledTimes(1)
  })
})
