// How the widget page reads its settings and talks to the embed loader (public/widget.js) around it.

/**
 * What the embed tag overrides, from the query string the loader builds: ?pageUrl=&color=&greeting=&language=
 * (the rest comes from the admins' settings, GET /api/widget/settings).
 */
export function readWidgetSettings(search, referrer) {
  const params = new URLSearchParams(search)
  const color = params.get('color')
  return {
    pageUrl: params.get('pageUrl') || referrer || '',
    color: color && isSafeColor(color) ? color : null,
    greeting: (params.get('greeting') || '').slice(0, 300),
    language: (params.get('language') || '').slice(0, 10),
  }
}

/**
 * "Monday 09:00" (or just "14:00" when it is today), in the visitor's locale and time zone.
 * @param {string} iso
 */
export function formatOpening(iso, locale, now = new Date()) {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const time = { hour: '2-digit', minute: '2-digit' }
  return d.toDateString() === now.toDateString()
    ? d.toLocaleTimeString(locale, time)
    : d.toLocaleString(locale, { weekday: 'long', ...time })
}

/** Only plain colour values (#rgb, #rrggbb, rgb(), hsl(), names) may reach the style sheet. */
export function isSafeColor(value) {
  return /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/-]+\)|[a-z]{3,20})$/i.test(value.trim())
}

export function isEmbedded(win = window) {
  try {
    return win.parent !== win
  } catch {
    return true
  }
}

/** Tells the page around the iframe (if any) something harmless: the unread count, the look, translated labels. */
export function postToHost(message, win = window) {
  if (!isEmbedded(win)) return
  // Only counts, colours, labels and open/close requests go out, never conversation data, so any origin may read them.
  win.parent.postMessage({ source: 'chatapp-widget', ...message }, '*')
}
