import { afterEach, describe, expect, it, vi } from 'vitest'
import { byLabel, byRoleText, flush, mount, type } from '../../testUtils.js'
import { setServices } from '../services.js'
import ReportsPage from './ReportsPage.vue'

const charts = vi.hoisted(() => ({ messagesChart: vi.fn(() => ({ destroy: vi.fn() })), heatmapChart: vi.fn(() => ({ destroy: vi.fn() })) }))
vi.mock('../reports/charts.js', () => charts)

const hours = Array.from({ length: 7 }, () => Array(24).fill(0))
hours[0][9] = 2
const summary = {
  from: '2026-11-02', to: '2026-11-08', timeZone: 'Europe/Paris', operatorId: null,
  conversations: { started: 5, closed: 4, offline: 1 },
  firstResponse: { count: 4, medianSeconds: 210, p90Seconds: 510 },
  resolution: { count: 4, medianSeconds: 7200, p90Seconds: 832320 },
  csat: { count: 3, average: 4, scores: [0, 0, 1, 1, 1] },
  messagesPerDay: [{ date: '2026-11-02', visitor: 3, operator: 3 }],
  busiestHours: hours,
}
const operators = {
  operators: [{
    userId: 'u1', displayName: 'Alice', isActive: true, conversations: { started: 2, closed: 3, offline: 0 },
    firstResponse: { count: 2, medianSeconds: 90, p90Seconds: 114 }, resolution: { count: 3, medianSeconds: 7200, p90Seconds: 1107360 },
    csat: { count: 2, average: 4, scores: [0, 0, 1, 0, 1] }, messagesSent: 2,
  }],
}

let view
afterEach(() => {
  view?.unmount()
  vi.clearAllMocks()
})

function setup() {
  const api = {
    reports: {
      summary: vi.fn(async () => summary),
      operators: vi.fn(async () => operators),
      conversationsCsv: vi.fn(async () => ({ blob: new Blob(['id\r\n']), fileName: 'conversations.csv' })),
    },
  }
  setServices({ api })
  return api
}

describe('ReportsPage', () => {
  it('shows the key figures, draws both charts and lists operators', async () => {
    const api = setup()
    view = mount(ReportsPage)
    await flush()
    expect(api.reports.summary).toHaveBeenCalledWith(expect.objectContaining({ tz: expect.any(String), from: expect.any(String) }))
    const figures = view.el.querySelector('[aria-label="Key figures"]').textContent
    expect(figures).toContain('Conversations started5')
    expect(figures).toContain('3 min 30 s')
    expect(figures).toContain('90% within 8 min 30 s')
    expect(figures).toContain('3 ratings')
    expect(charts.messagesChart).toHaveBeenCalledWith(expect.any(HTMLCanvasElement), summary.messagesPerDay, expect.any(Object))
    expect(charts.heatmapChart).toHaveBeenCalledWith(expect.any(HTMLCanvasElement), hours, expect.any(Object))
    expect(view.el.textContent).toContain('Busiest: Monday from 9:00 (2 conversations started)')
    expect(view.el.querySelector('[aria-label="By operator"]').textContent).toContain('Alice')
  })

  it('asks again for the chosen period, time zone and operator', async () => {
    const api = setup()
    view = mount(ReportsPage)
    await flush()
    await type(byLabel(view.el, 'From'), '2026-11-02')
    await type(byLabel(view.el, 'To'), '2026-11-08')
    await type(byLabel(view.el, 'Time zone'), 'Europe/Paris')
    const operator = byLabel(view.el, 'Operator')
    operator.value = 'u1'
    operator.dispatchEvent(new Event('change'))
    byRoleText(view.el, 'button', 'Show').click()
    await flush()
    expect(api.reports.summary).toHaveBeenLastCalledWith({ from: '2026-11-02', to: '2026-11-08', tz: 'Europe/Paris', operatorId: 'u1' })
    expect(api.reports.operators).toHaveBeenLastCalledWith({ from: '2026-11-02', to: '2026-11-08', tz: 'Europe/Paris', operatorId: undefined })
  })

  it('shows the server’s reason when the period is refused', async () => {
    const api = setup()
    api.reports.summary.mockRejectedValueOnce(new Error('A report covers at most 366 days.'))
    view = mount(ReportsPage)
    await flush()
    expect(view.el.querySelector('[role="alert"]').textContent).toBe('A report covers at most 366 days.')
  })
})
