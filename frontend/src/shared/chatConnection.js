import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr'
// fetchMissed lives in api.js, so a page can resume without loading SignalR; it is exported here too.
export { fetchMissed, RESUME_PAGE_SIZE } from './api.js'

export const HUB_URL = '/hubs/chat'
/** Delays between reconnect attempts; the last one repeats for ever, so a restarted API is always found again. */
export const RETRY_DELAYS_MS = [0, 1000, 2000, 5000, 10000]

export function nextRetryDelay(previousRetryCount) {
  return RETRY_DELAYS_MS[Math.min(previousRetryCount, RETRY_DELAYS_MS.length - 1)]
}

/**
 * Builds the real SignalR connection: WebSockets without the negotiate request, and automatic reconnect (never
 * giving up). Several API instances may stand behind one address and a proxy that takes turns: a negotiate and
 * the connect that follows could reach different instances, one WebSocket always stays on the instance it reached.
 * The cost is no fallback transport, which every browser we support has no need for. After a reconnect the page
 * fetches what it missed by message id (see `fetchMissed`), whichever instance it reached.
 */
export function buildHubConnection({ url = HUB_URL, accessTokenFactory }) {
  // An absolute URL, so the client never has to guess the page's origin.
  const absolute = globalThis.location ? new URL(url, globalThis.location.href).href : url
  return new HubConnectionBuilder()
    .withUrl(absolute, { accessTokenFactory, transport: HttpTransportType.WebSockets, skipNegotiation: true })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => nextRetryDelay(ctx.previousRetryCount) })
    .configureLogging(LogLevel.Warning)
    .build()
}

function isUnauthorized(error) {
  return error?.statusCode === 401 || /\b401\b|Unauthorized/i.test(String(error?.message ?? ''))
}

/**
 * Owns one hub connection for a page. It reports a simple status ('disconnected' | 'connecting' |
 * 'connected' | 'reconnecting'), keeps retrying the first start, and calls every `onConnected` handler
 * after the first start and after each reconnect, which is where the page resumes: it re-joins what it
 * follows and fetches the messages it missed (see `fetchMissed`).
 *
 * @param {{
 *   url?: string,
 *   accessTokenFactory: () => string | Promise<string>,
 *   connectionFactory?: (opts: { url: string, accessTokenFactory: () => any }) => any,
 *   onUnauthorized?: (error: unknown) => void,
 *   sleep?: (ms: number) => Promise<void>,
 * }} options
 */
export function createChatConnection(options) {
  const url = options.url ?? HUB_URL
  const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)))
  const connection = (options.connectionFactory ?? buildHubConnection)({
    url,
    accessTokenFactory: options.accessTokenFactory,
  })

  let status = 'disconnected'
  let stopped = true
  let starting = null
  const statusListeners = new Set()
  const connectedHandlers = new Set()

  function setStatus(next) {
    if (status === next) return
    status = next
    for (const listener of statusListeners) listener(next)
  }

  async function runConnected(reason) {
    for (const handler of connectedHandlers) {
      try {
        await handler(reason)
      } catch (error) {
        console.warn('Resuming after connect failed', error)
      }
    }
  }

  connection.onreconnecting(() => setStatus('reconnecting'))
  connection.onreconnected(async () => {
    setStatus('connected')
    await runConnected('reconnected')
  })
  connection.onclose(() => {
    if (stopped) {
      setStatus('disconnected')
      return
    }
    // Automatic reconnect never gives up, so this is a close it could not handle (e.g. the server closed
    // the connection with an error): start again from scratch.
    setStatus('reconnecting')
    startLoop('restarted')
  })

  function startLoop(reason) {
    if (starting) return starting
    starting = (async () => {
      let attempt = 0
      while (!stopped) {
        try {
          await connection.start()
          setStatus('connected')
          starting = null
          await runConnected(reason)
          return true
        } catch (error) {
          if (isUnauthorized(error)) {
            stopped = true
            setStatus('disconnected')
            starting = null
            options.onUnauthorized?.(error)
            return false
          }
          // The page shows "Reconnecting…" while the server cannot be reached, first start included.
          if (!stopped) setStatus('reconnecting')
          await sleep(nextRetryDelay(++attempt))
        }
      }
      starting = null
      return false
    })()
    return starting
  }

  return {
    connection,
    get status() {
      return status
    },
    get isConnected() {
      return status === 'connected'
    },
    /** Starts (retrying until it works or `stop` is called). Resolves true once connected. */
    start() {
      stopped = false
      if (status !== 'connected') setStatus(status === 'disconnected' ? 'connecting' : status)
      return startLoop('started')
    },
    async stop() {
      stopped = true
      await connection.stop()
      setStatus('disconnected')
    },
    on(method, handler) {
      connection.on(method, handler)
      return () => connection.off(method, handler)
    },
    invoke(method, ...args) {
      return connection.invoke(method, ...args)
    },
    onStatusChange(listener) {
      statusListeners.add(listener)
      return () => statusListeners.delete(listener)
    },
    onConnected(handler) {
      connectedHandlers.add(handler)
      return () => connectedHandlers.delete(handler)
    },
  }
}

