// How the widget page reads its settings and talks to the embed loader (public/widget.js) around it.

/** Settings from the query string the loader builds: ?pageUrl=&color=&greeting= */
export function readWidgetSettings(search, referrer) {
  const params = new URLSearchParams(search)
  const color = params.get('color')
  return {
    pageUrl: params.get('pageUrl') || referrer || '',
    color: color && isSafeColor(color) ? color : null,
    greeting: (params.get('greeting') || '').slice(0, 300),
  }
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

/** Tells the page around the iframe (if any) something harmless, such as the unread count. */
export function postToHost(message, win = window) {
  if (!isEmbedded(win)) return
  // Only counts and open/close requests go out, never data, so any origin may read them.
  win.parent.postMessage({ source: 'chatapp-widget', ...message }, '*')
}
