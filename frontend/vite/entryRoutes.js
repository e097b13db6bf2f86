// Maps the app's public paths to the HTML entry that serves them. Used by the Vite dev and preview
// servers; nginx/locations.inc mirrors the same table for production.

/** @type {{ test: (path: string) => boolean, entry: string }[]} */
export const entryRoutes = [
  { test: (p) => p === '/widget' || p === '/widget/', entry: '/widget.html' },
  { test: (p) => p === '/admin' || p.startsWith('/admin/'), entry: '/admin.html' },
]

/**
 * Returns the URL an incoming request should be served from: the HTML entry for an app path
 * (query string kept), or the URL unchanged for anything else (assets, /api, /widget.js, ...).
 * @param {string} url
 */
export function rewriteEntryUrl(url) {
  const q = url.indexOf('?')
  const path = q === -1 ? url : url.slice(0, q)
  const query = q === -1 ? '' : url.slice(q)
  // A path with a file extension is an asset, never a deep link.
  const last = path.slice(path.lastIndexOf('/') + 1)
  if (last.includes('.')) return url
  const route = entryRoutes.find((r) => r.test(path))
  return route ? route.entry + query : url
}

/** Vite plugin: serves /widget and /admin/* with their HTML entries in `vite` and `vite preview`. */
export function entryRoutesPlugin() {
  const middleware = (req, _res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.url) {
      req.url = rewriteEntryUrl(req.url)
    }
    next()
  }
  return {
    name: 'chatapp-entry-routes',
    configureServer(server) {
      server.middlewares.use(middleware)
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware)
    },
  }
}
