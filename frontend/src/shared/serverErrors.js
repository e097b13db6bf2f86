// What the server said when it refused something, as a person should read it.

const HUB_PREFIX = 'HubException: '

/**
 * The server's own words. SignalR puts "An unexpected error occurred invoking 'X' on the server. HubException: "
 * before a hub refusal; REST refusals (ApiError) already carry the ProblemDetails' detail.
 */
export function serverMessage(error) {
  const text = String(error?.message ?? '')
  const at = text.indexOf(HUB_PREFIX)
  return at >= 0 ? text.slice(at + HUB_PREFIX.length) : text
}

/** Seconds the server asked to wait before trying again ("… Try again in 5 seconds."), or null when it did not. */
export function retryAfterSeconds(error) {
  const match = /Try again in (\d+) seconds?\./.exec(serverMessage(error))
  return match ? Number(match[1]) : null
}

/** Whether the refusal means the server cannot work right now (its database is down), not that the message is wrong. */
export function isServerUnavailable(error) {
  return error?.status === 503 || /cannot reach its database/.test(serverMessage(error))
}
