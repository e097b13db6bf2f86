import { describe, expect, it, vi } from 'vitest'
import { ApiError, createApiClient, fetchAllMessages } from './api.js'

function fakeFetch(status, body, contentType = 'application/json') {
  return vi.fn(async () => new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': contentType },
  }))
}

describe('createApiClient', () => {
  it('posts JSON without a token for login and returns the parsed result', async () => {
    const fetch = fakeFetch(200, { accessToken: 't', user: { id: 'u' } })
    const api = createApiClient({ fetch, getToken: () => 'old' })
    const result = await api.auth.login('a@b.c', 'pw')
    expect(result.accessToken).toBe('t')
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/auth/login')
    expect(init.method).toBe('POST')
    expect(init.headers.Authorization).toBeUndefined()
    expect(init.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(init.body)).toEqual({ email: 'a@b.c', password: 'pw' })
  })

  it('sends the bearer token and builds the query string, skipping empty values', async () => {
    const fetch = fakeFetch(200, { items: [], page: 1, pageSize: 20, totalCount: 0 })
    const api = createApiClient({ fetch, getToken: () => 'jwt' })
    await api.conversations.list({ status: 'Assigned', assignee: 'me', page: 1, pageSize: undefined })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/conversations?status=Assigned&assignee=me&page=1')
    expect(init.headers.Authorization).toBe('Bearer jwt')
  })

  it('turns a ProblemDetails into an ApiError whose message is the detail', async () => {
    const fetch = fakeFetch(401, { title: 'Sign-in failed', detail: 'The e-mail or password is wrong.' }, 'application/problem+json')
    const onUnauthorized = vi.fn()
    const api = createApiClient({ fetch, onUnauthorized })
    const error = await api.auth.login('a@b.c', 'nope').catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(401)
    expect(error.message).toBe('The e-mail or password is wrong.')
    expect(error.title).toBe('Sign-in failed')
    // A failed login carried no token, so it is not an expired session.
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('calls onUnauthorized when a request with a token gets 401', async () => {
    const onUnauthorized = vi.fn()
    const api = createApiClient({ fetch: fakeFetch(401, undefined), getToken: () => 'expired', onUnauthorized })
    await expect(api.users.list()).rejects.toMatchObject({ status: 401 })
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })

  it('uses validation errors when there is no detail', async () => {
    const api = createApiClient({
      fetch: fakeFetch(400, { title: 'One or more validation errors occurred.', errors: { Email: ['Email is taken.'] } }),
    })
    await expect(api.users.create({})).rejects.toThrow('Email is taken.')
  })

  it('reports a network failure as status 0 with a readable message', async () => {
    const api = createApiClient({ fetch: vi.fn(async () => { throw new TypeError('Failed to fetch') }) })
    const error = await api.auth.me().catch((e) => e)
    expect(error.status).toBe(0)
    expect(error.message).toMatch(/Cannot reach the server/)
  })

  it('uploads a file as multipart form data in the field "file"', async () => {
    const fetch = fakeFetch(201, { id: 'a1', url: '/uploads/x.png', fileName: 'cat.png', contentType: 'image/png', size: 3 })
    const api = createApiClient({ fetch, getToken: () => 'v' })
    const file = new File([new Uint8Array([1, 2, 3])], 'cat.png', { type: 'image/png' })
    const attachment = await api.uploads.upload(file)
    expect(attachment.id).toBe('a1')
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/uploads')
    expect(init.body).toBeInstanceOf(FormData)
    expect(init.body.get('file').name).toBe('cat.png')
    expect(init.headers['Content-Type']).toBeUndefined()
  })

  it('sends assign with and without a user id', async () => {
    const fetch = fakeFetch(200, {})
    const api = createApiClient({ fetch })
    await api.conversations.assign('c1')
    await api.conversations.assign('c1', 'u2')
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({})
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ userId: 'u2' })
    expect(fetch.mock.calls[0][0]).toBe('/api/conversations/c1/assign')
  })

  it('returns null for 204', async () => {
    const api = createApiClient({ fetch: vi.fn(async () => new Response(null, { status: 204 })) })
    expect(await api.conversations.close('c1')).toBeNull()
  })
})

describe('fetchAllMessages', () => {
  it('pages with the last id until a short page', async () => {
    const pages = [[{ id: 1 }, { id: 2 }], [{ id: 3 }, { id: 4 }], [{ id: 5 }]]
    const fetchPage = vi.fn(async () => pages.shift())
    const all = await fetchAllMessages(fetchPage, 0, 2)
    expect(all.map((m) => m.id)).toEqual([1, 2, 3, 4, 5])
    expect(fetchPage.mock.calls).toEqual([[0, 2], [2, 2], [4, 2]])
  })
})
