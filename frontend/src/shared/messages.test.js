import { describe, expect, it } from 'vitest'
import { formatSize, isImage, lastMessageId, mergeMessages, newClientMessageId } from './messages.js'

describe('mergeMessages', () => {
  it('merges by id, ascending, without duplicates', () => {
    const a = [{ id: 1, body: 'a' }, { id: 3, body: 'c' }]
    const b = [{ id: 2, body: 'b' }, { id: 3, body: 'c' }, { id: 4, body: 'd' }]
    expect(mergeMessages(a, b).map((m) => m.id)).toEqual([1, 2, 3, 4])
  })

  it('lets the later copy of a message win', () => {
    const merged = mergeMessages([{ id: 5, body: 'old' }], [{ id: 5, body: 'new' }])
    expect(merged).toEqual([{ id: 5, body: 'new' }])
  })

  it('does not change its inputs and returns the same array when nothing comes in', () => {
    const a = [{ id: 2 }, { id: 1 }]
    expect(mergeMessages(a, [])).toBe(a)
    const merged = mergeMessages(a, [{ id: 3 }])
    expect(a.map((m) => m.id)).toEqual([2, 1])
    expect(merged.map((m) => m.id)).toEqual([1, 2, 3])
  })

  it('survives the same resume batch applied twice', () => {
    const batch = [{ id: 7 }, { id: 8 }]
    const once = mergeMessages([{ id: 6 }], batch)
    expect(mergeMessages(once, batch)).toHaveLength(3)
  })
})

describe('helpers', () => {
  it('lastMessageId is 0 for none and the max otherwise', () => {
    expect(lastMessageId([])).toBe(0)
    expect(lastMessageId([{ id: 9 }, { id: 12 }, { id: 3 }])).toBe(12)
  })

  it('isImage looks at the content type', () => {
    expect(isImage({ contentType: 'image/png' })).toBe(true)
    expect(isImage({ contentType: 'application/pdf' })).toBe(false)
    expect(isImage(null)).toBe(false)
  })

  it('formatSize', () => {
    expect(formatSize(12)).toBe('12 B')
    expect(formatSize(2048)).toBe('2 KB')
    expect(formatSize(3 * 1024 * 1024)).toBe('3.0 MB')
  })

  it('newClientMessageId gives distinct UUIDs', () => {
    const a = newClientMessageId()
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(newClientMessageId()).not.toBe(a)
  })
})
