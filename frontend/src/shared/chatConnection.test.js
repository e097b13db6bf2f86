import { describe, expect, it, vi } from 'vitest'
import { createChatConnection, fetchMissed, nextRetryDelay } from './chatConnection.js'
import { WAIT } from '../testUtils.js'

function fakeHubConnection() {
  const handlers = {}
  const conn = {
    start: vi.fn(async () => {}),
    stop: vi.fn(async () => { handlers.close?.() }),
    on: vi.fn(),
    off: vi.fn(),
    invoke: vi.fn(),
    onreconnecting: (h) => { handlers.reconnecting = h },
    onreconnected: (h) => { handlers.reconnected = h },
    onclose: (h) => { handlers.close = h },
    handlers,
  }
  return conn
}

function setup(conn = fakeHubConnection(), extra = {}) {
  const chat = createChatConnection({
    accessTokenFactory: () => 'token',
    connectionFactory: () => conn,
    sleep: async () => {},
    ...extra,
  })
  const statuses = []
  chat.onStatusChange((s) => statuses.push(s))
  return { chat, conn, statuses }
}

describe('createChatConnection', () => {
  it('passes the hub url and token factory to the factory', () => {
    const factory = vi.fn(() => fakeHubConnection())
    const tokenFactory = () => 't'
    createChatConnection({ accessTokenFactory: tokenFactory, connectionFactory: factory })
    expect(factory).toHaveBeenCalledWith({ url: '/hubs/chat', accessTokenFactory: tokenFactory })
  })

  it('connects and runs the resume handlers after the first start', async () => {
    const { chat, statuses } = setup()
    const resume = vi.fn()
    chat.onConnected(resume)
    expect(await chat.start()).toBe(true)
    expect(statuses).toEqual(['connecting', 'connected'])
    expect(resume).toHaveBeenCalledWith('started')
    expect(chat.isConnected).toBe(true)
  })

  it('keeps retrying a failing first start', async () => {
    const conn = fakeHubConnection()
    conn.start.mockRejectedValueOnce(new Error('Failed to fetch')).mockRejectedValueOnce(new Error('Failed to fetch'))
    const sleep = vi.fn(async () => {})
    const { chat, statuses } = setup(conn, { sleep })
    expect(await chat.start()).toBe(true)
    expect(conn.start).toHaveBeenCalledTimes(3)
    expect(statuses).toEqual(['connecting', 'reconnecting', 'connected'])
    expect(sleep.mock.calls.map((c) => c[0])).toEqual([1000, 2000])
  })

  it('gives up and reports an expired token on 401', async () => {
    const conn = fakeHubConnection()
    const error = Object.assign(new Error('Unauthorized'), { statusCode: 401 })
    conn.start.mockRejectedValue(error)
    const onUnauthorized = vi.fn()
    const { chat } = setup(conn, { onUnauthorized })
    expect(await chat.start()).toBe(false)
    expect(conn.start).toHaveBeenCalledOnce()
    expect(onUnauthorized).toHaveBeenCalledWith(error)
    expect(chat.status).toBe('disconnected')
  })

  it('resumes when the server says it may have missed events (Resync)', async () => {
    const { chat, conn } = setup()
    const resume = vi.fn()
    chat.onConnected(resume)
    await chat.start()
    const [, resync] = conn.on.mock.calls.find(([method]) => method === 'Resync')
    await resync()
    expect(resume).toHaveBeenLastCalledWith('resync')
  })

  it('shows reconnecting, then resumes after the reconnect', async () => {
    const { chat, conn, statuses } = setup()
    const resume = vi.fn()
    chat.onConnected(resume)
    await chat.start()
    conn.handlers.reconnecting(new Error('lost'))
    expect(chat.status).toBe('reconnecting')
    await conn.handlers.reconnected('new-id')
    expect(statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected'])
    expect(resume).toHaveBeenLastCalledWith('reconnected')
  })

  it('starts again when the connection closes while it should be running', async () => {
    const { chat, conn } = setup()
    const resume = vi.fn()
    chat.onConnected(resume)
    await chat.start()
    conn.handlers.close(new Error('server closed'))
    expect(chat.status).toBe('reconnecting')
    await vi.waitFor(() => expect(resume).toHaveBeenLastCalledWith('restarted'), WAIT)
    expect(conn.start).toHaveBeenCalledTimes(2)
    expect(chat.status).toBe('connected')
  })

  it('does not restart after stop', async () => {
    const { chat, conn } = setup()
    await chat.start()
    await chat.stop()
    expect(chat.status).toBe('disconnected')
    expect(conn.start).toHaveBeenCalledOnce()
  })

  it('a failing resume handler does not stop the others', async () => {
    const { chat } = setup()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const second = vi.fn()
    chat.onConnected(() => { throw new Error('boom') })
    chat.onConnected(second)
    await chat.start()
    expect(second).toHaveBeenCalled()
    expect(warn).toHaveBeenCalled()
  })

  it('on() subscribes and returns an unsubscribe', () => {
    const { chat, conn } = setup()
    const h = () => {}
    const off = chat.on('MessageReceived', h)
    expect(conn.on).toHaveBeenCalledWith('MessageReceived', h)
    off()
    expect(conn.off).toHaveBeenCalledWith('MessageReceived', h)
  })
})

describe('nextRetryDelay', () => {
  it('backs off and then stays at the last delay for ever', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(nextRetryDelay)).toEqual([0, 1000, 2000, 5000, 10000, 10000, 10000])
  })
})

describe('fetchMissed', () => {
  it('asks GetMessagesAfter from the last id and pages while pages are full', async () => {
    const full = Array.from({ length: 500 }, (_, i) => ({ id: 11 + i }))
    const invoke = vi.fn()
      .mockResolvedValueOnce(full)
      .mockResolvedValueOnce([{ id: 511 }])
    const missed = await fetchMissed({ invoke }, 'c1', 10)
    expect(missed).toHaveLength(501)
    expect(invoke.mock.calls).toEqual([['GetMessagesAfter', 'c1', 10], ['GetMessagesAfter', 'c1', 510]])
  })
})
