import { describe, expect, it } from 'vitest'
import { ApiError } from './api.js'
import { isServerUnavailable, retryAfterSeconds, serverMessage } from './serverErrors.js'

const hubRefusal = (text) =>
  new Error(`An unexpected error occurred invoking 'SendMessage' on the server. HubException: ${text}`)

describe('server errors', () => {
  it("takes the server's words out of a hub refusal", () => {
    expect(serverMessage(hubRefusal('The message is empty.'))).toBe('The message is empty.')
    expect(serverMessage(new Error('Connection lost'))).toBe('Connection lost')
  })

  it('reads how long the server asked to wait', () => {
    expect(retryAfterSeconds(hubRefusal('The chat cannot reach its database right now; nothing was lost. Try again in 5 seconds.'))).toBe(5)
    expect(retryAfterSeconds(hubRefusal('You are sending too fast (more than 20 messages a second). Try again in 1 second.'))).toBe(1)
    expect(retryAfterSeconds(hubRefusal('The message is empty.'))).toBeNull()
  })

  it('tells an unavailable server from a refused message', () => {
    expect(isServerUnavailable(hubRefusal('The chat cannot reach its database right now; nothing was lost. Try again in 5 seconds.'))).toBe(true)
    expect(isServerUnavailable(new ApiError(503, { detail: 'x' }))).toBe(true)
    expect(isServerUnavailable(hubRefusal('You are sending too fast (more than 20 messages a second). Try again in 1 second.'))).toBe(false)
  })
})
