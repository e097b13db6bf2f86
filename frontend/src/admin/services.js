// The admin app's API client and hub connection, created once in main.js. Stores and pages reach them
// here so tests can put fakes in their place with setServices().
export const services = {
  /** @type {ReturnType<typeof import('../shared/api.js').createApiClient> | null} */
  api: null,
  /** @type {ReturnType<typeof import('../shared/chatConnection.js').createChatConnection> | null} */
  chat: null,
}

export function setServices(next) {
  Object.assign(services, next)
}
