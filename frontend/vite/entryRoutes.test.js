import { describe, expect, it } from 'vitest'
import { rewriteEntryUrl } from './entryRoutes.js'

describe('rewriteEntryUrl', () => {
  it.each([
    ['/widget', '/widget.html'],
    ['/widget/', '/widget.html'],
    ['/widget?pageUrl=https%3A%2F%2Fshop.test%2F&color=red', '/widget.html?pageUrl=https%3A%2F%2Fshop.test%2F&color=red'],
    ['/admin', '/admin.html'],
    ['/admin/', '/admin.html'],
    ['/admin/login', '/admin.html'],
    ['/admin/inbox/mine/6f1c0c43-7a1e-4f0e-9a7e-2a3f0f5f6b7c', '/admin.html'],
    ['/admin/users?x=1', '/admin.html?x=1'],
  ])('serves %s from its entry', (url, expected) => {
    expect(rewriteEntryUrl(url)).toBe(expected)
  })

  it.each(['/', '/widget.js', '/widget.html', '/admin.html', '/administrator', '/widgets', '/api/auth/login',
    '/hubs/chat', '/assets/admin-abc123.js', '/src/admin/main.js', '/admin/assets/x.png'])(
    'leaves %s alone', (url) => {
      expect(rewriteEntryUrl(url)).toBe(url)
    })
})
