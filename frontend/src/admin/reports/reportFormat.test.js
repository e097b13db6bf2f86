import { describe, expect, it } from 'vitest'
import { addDays, busiestSlot, formatDuration, heatmapPoints, lastDays, todayIn } from './reportFormat.js'

describe('report helpers', () => {
  it('takes today in the chosen time zone, not the browser’s', () => {
    const lateInUtc = new Date('2026-11-02T23:30:00Z')
    expect(todayIn('UTC', lateInUtc)).toBe('2026-11-02')
    expect(todayIn('Europe/Paris', lateInUtc)).toBe('2026-11-03')
    expect(todayIn('America/New_York', lateInUtc)).toBe('2026-11-02')
  })

  it('counts the last days back from today, across months', () => {
    expect(lastDays(7, 'UTC', new Date('2026-03-03T12:00:00Z'))).toEqual({ from: '2026-02-25', to: '2026-03-03' })
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  })

  it('writes durations for people', () => {
    expect(formatDuration(null)).toBe('–')
    expect(formatDuration(45)).toBe('45 s')
    expect(formatDuration(210)).toBe('3 min 30 s')
    expect(formatDuration(7200)).toBe('2 h')
    expect(formatDuration(7500)).toBe('2 h 5 min')
    expect(formatDuration(1382400)).toBe('16 d')
  })

  it('turns the weekday × hour grid into heatmap points and finds the busiest slot', () => {
    const grid = Array.from({ length: 7 }, () => Array(24).fill(0))
    grid[0][9] = 2
    grid[3][0] = 1
    const { points, max } = heatmapPoints(grid)
    expect(points).toHaveLength(168)
    expect(max).toBe(2)
    expect(points.find((p) => p.x === 9 && p.y === 0).v).toBe(2)
    expect(busiestSlot(grid)).toEqual({ day: 0, hour: 9, count: 2 })
    expect(busiestSlot(Array.from({ length: 7 }, () => Array(24).fill(0)))).toBeNull()
  })
})
