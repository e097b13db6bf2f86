import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTypingSender, createTypingWatcher, typingText } from './typing.js'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('createTypingSender', () => {
  it('sends true once while typing, refreshes, and false after the idle time', () => {
    const setTyping = vi.fn()
    const sender = createTypingSender(setTyping, { idleMs: 3000, refreshMs: 2500, now: () => Date.now() })
    sender.input()
    sender.input()
    expect(setTyping.mock.calls).toEqual([[true]])
    vi.advanceTimersByTime(2000)
    sender.input()
    vi.advanceTimersByTime(600)
    sender.input() // 2600 ms after the first "true": refresh
    expect(setTyping.mock.calls).toEqual([[true], [true]])
    vi.advanceTimersByTime(3000)
    expect(setTyping.mock.calls).toEqual([[true], [true], [false]])
    expect(sender.isTyping).toBe(false)
  })

  it('stops at once when the box is emptied or the message is sent, and only once', () => {
    const setTyping = vi.fn()
    const sender = createTypingSender(setTyping)
    sender.input()
    sender.input(false)
    sender.stop()
    expect(setTyping.mock.calls).toEqual([[true], [false]])
  })

  it('swallows failures of the hub call', () => {
    const sender = createTypingSender(() => Promise.reject(new Error('not connected')))
    expect(() => sender.input()).not.toThrow()
    const throwing = createTypingSender(() => { throw new Error('sync') })
    expect(() => throwing.input()).not.toThrow()
  })
})

describe('createTypingWatcher', () => {
  it('shows a typist until false, a message, or the timeout', () => {
    const changes = []
    const watcher = createTypingWatcher((t) => changes.push(t), { timeoutMs: 6000 })
    watcher.update({ senderKind: 'Operator', senderName: 'Anna', isTyping: true })
    expect(changes.at(-1)).toEqual([{ key: 'Operator:Anna', name: 'Anna', senderKind: 'Operator' }])
    watcher.messageFrom('Operator', 'Anna')
    expect(changes.at(-1)).toEqual([])
    watcher.update({ senderKind: 'Visitor', isTyping: true })
    vi.advanceTimersByTime(5999)
    expect(changes.at(-1)).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(changes.at(-1)).toEqual([])
  })
})

describe('typingText', () => {
  const fallback = (kind) => (kind === 'Visitor' ? 'Visitor' : 'Support')
  it('reads naturally', () => {
    expect(typingText([], fallback)).toBe('')
    expect(typingText([{ name: null, senderKind: 'Operator' }], fallback)).toBe('Support is typing…')
    expect(typingText([{ name: 'Anna', senderKind: 'Operator' }, { name: 'Ben', senderKind: 'Operator' }], fallback))
      .toBe('Anna and Ben are typing…')
  })
})
