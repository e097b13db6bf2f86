/** "Chrome 126 on Windows" from a user agent string, for the visitor side panel; the raw string stays in a tooltip. */
export function describeUserAgent(ua) {
  if (!ua) return ''
  const browsers = [
    ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
    ['Opera', /OPR\/(\d+)/],
    ['Samsung Internet', /SamsungBrowser\/(\d+)/],
    ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
    ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
    ['Safari', /Version\/(\d+).*Safari\//],
  ]
  const systems = [
    ['Android', /Android/],
    ['iOS', /iPhone|iPad|iPod/],
    ['Windows', /Windows/],
    ['macOS', /Mac OS X|Macintosh/],
    ['ChromeOS', /CrOS/],
    ['Linux', /Linux/],
  ]
  let browser = null
  for (const [name, re] of browsers) {
    const m = ua.match(re)
    if (m) {
      browser = `${name} ${m[1]}`
      break
    }
  }
  const os = systems.find(([, re]) => re.test(ua))?.[0]
  if (!browser) return os ? `Unknown browser on ${os}` : ua.slice(0, 80)
  return os ? `${browser} on ${os}` : browser
}
