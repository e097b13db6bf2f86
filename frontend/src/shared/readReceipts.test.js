import { afterEach, describe, expect, it, vi } from 'vitest'
import { advanceSeen, lastSeenId, throttle } from './readReceipts.js'

const C = 'conv'

describe('advanceSeen', () => {
  it('moves forward only, for this conversation and the given reader', () => {
    expect(advanceSeen(0, { conversationId: C, readerKind: 'Operator', upToMessageId: 5 }, C, 'Operator')).toBe(5)
    expect(advanceSeen(5, { conversationId: C, readerKind: 'Operator', upToMessageId: 3 }, C, 'Operator')).toBe(5)
    expect(advanceSeen(5, { conversationId: C, readerKind: 'Visitor', upToMessageId: 9 }, C, 'Operator')).toBe(5)
    expect(advanceSeen(5, { conversationId: 'other', readerKind: 'Operator', upToMessageId: 9 }, C, 'Operator')).toBe(5)
    expect(advanceSeen(5, null, C, 'Operator')).toBe(5)
  })
})

describe('lastSeenId', () => {
  const own = (m) => m.own
  const messages = [{ id: 1, own: true }, { id: 2, own: false }, { id: 3, own: true }, { id: 4, own: true }]
  it('is the last counted message at or below the seen id', () => {
    expect(lastSeenId(messages, 0, own)).toBe(0)
    expect(lastSeenId(messages, 2, own)).toBe(1)
    expect(lastSeenId(messages, 3, own)).toBe(3)
    expect(lastSeenId(messages, 100, own)).toBe(4)
    expect(lastSeenId(messages, 100, () => false)).toBe(0)
  })
})

describe('throttle', () => {
  afterEach(() => vi.useRealTimers())

  it('runs at once, folds calls within the interval into one trailing call, and now() flushes', () => {
    vi.useFakeTimers()
    const fn = vi.fn()
    const t = throttle(fn, 1000)
    t()
    expect(fn).toHaveBeenCalledTimes(1)
    t(); t(); t()
    expect(fn).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1000)
    expect(fn).toHaveBeenCalledTimes(2)
    t()
    expect(fn).toHaveBeenCalledTimes(2)
    t.now()
    expect(fn).toHaveBeenCalledTimes(3)
    vi.advanceTimersByTime(5000)
    expect(fn).toHaveBeenCalledTimes(3)
  })
})
