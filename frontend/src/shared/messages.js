import { formatLocale } from './i18n.js'

// Messages carry their database id (a bigint, ordered): it is both the sort key and the resume cursor.

/**
 * Merges `incoming` into `existing` by id: no duplicates, a later copy of a message replaces the earlier
 * one, result ascending by id. Returns a new array; the inputs are not changed.
 * @template {{ id: number }} T
 * @param {T[]} existing
 * @param {T[]} incoming
 * @returns {T[]}
 */
export function mergeMessages(existing, incoming) {
  if (!incoming?.length) return existing
  const byId = new Map()
  for (const m of existing) byId.set(m.id, m)
  for (const m of incoming) if (m && m.id != null) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => a.id - b.id)
}

/** The highest id held, or 0 when there is none (the cursor for "everything"). */
export function lastMessageId(messages) {
  let max = 0
  for (const m of messages) if (m.id > max) max = m.id
  return max
}

export function isImage(attachment) {
  return !!attachment && /^image\//i.test(attachment.contentType || '')
}

export function formatSize(bytes) {
  if (!Number.isFinite(bytes)) return ''
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** "14:05" today, "3 Mar 14:05" on another day, in the reader's locale (see formatLocale). */
export function formatTime(iso, now = new Date(), locale = formatLocale()) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
  if (d.toDateString() === now.toDateString()) return time
  return `${d.toLocaleDateString(locale, { day: 'numeric', month: 'short' })} ${time}`
}

/** A new client message id (a UUID): the server stores a message once per id, so a resend reuses it. */
export function newClientMessageId() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID()
  // crypto.randomUUID needs a secure context; plain-http deployments still get a v4-shaped id.
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
