import { afterEach, describe, expect, it, vi } from 'vitest'
import { byLabel, byRoleText, flush, mount } from '../../testUtils.js'
import { setServices } from '../services.js'
import AuditPage from './AuditPage.vue'

let view
afterEach(() => view?.unmount())

function setup() {
  const api = {
    audit: {
      actions: vi.fn(async () => ['user.created', 'user.role_changed', 'webhook.created']),
      list: vi.fn(async () => ({
        items: [
          { id: 2, at: '2026-11-25T10:00:00Z', actorUserId: 'a1', actorName: 'Ada Admin', action: 'user.role_changed', targetType: 'user', targetId: 'u1', targetName: 'sam@example.com', details: { from: 'Operator', to: 'Admin' }, ipAddress: '203.0.113.9' },
          { id: 1, at: '2026-11-25T09:00:00Z', actorUserId: 'a1', actorName: 'Ada Admin', action: 'some.future_action', targetType: null, targetId: null, targetName: null, details: null, ipAddress: null },
        ],
        page: 1, pageSize: 50, totalCount: 2,
      })),
    },
    users: { list: vi.fn(async () => [{ id: 'a1', displayName: 'Ada Admin' }]) },
  }
  setServices({ api })
  return api
}

describe('AuditPage', () => {
  it('lists who did what, to what, from where', async () => {
    setup()
    view = mount(AuditPage)
    await flush()
    const rows = view.el.querySelectorAll('[aria-label="Audit entries"] tbody tr')
    expect(rows[0].textContent).toContain('Ada Admin')
    expect(rows[0].textContent).toContain('Role changed')
    expect(rows[0].textContent).toContain('sam@example.com')
    expect(rows[0].textContent).toContain('Operator → Admin')
    expect(rows[0].textContent).toContain('203.0.113.9')
    expect(rows[1].textContent).toContain('some.future_action')
  })

  it('filters by action and person', async () => {
    const api = setup()
    view = mount(AuditPage)
    await flush()
    const action = byLabel(view.el, 'Action')
    action.value = 'webhook.created'
    action.dispatchEvent(new Event('change'))
    const who = byLabel(view.el, 'Who')
    who.value = 'a1'
    who.dispatchEvent(new Event('change'))
    byRoleText(view.el, 'button', 'Search').click()
    await flush()
    expect(api.audit.list).toHaveBeenLastCalledWith(expect.objectContaining({ action: 'webhook.created', actorId: 'a1', page: 1 }))
  })
})
