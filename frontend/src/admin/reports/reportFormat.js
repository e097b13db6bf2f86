// Plain helpers of the reports page (no chart code here: the chart library is a lazy chunk, see charts.js).

/** Today's date (yyyy-MM-dd) in an IANA time zone. */
export function todayIn(timeZone, now = new Date()) {
  // en-CA formats dates as yyyy-MM-dd.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** Adds days to a yyyy-MM-dd date (calendar arithmetic, no time zone involved). */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The last `days` days up to today in the time zone, as the API's `from` and `to`. */
export function lastDays(days, timeZone, now = new Date()) {
  const to = todayIn(timeZone, now)
  return { from: addDays(to, -(days - 1)), to }
}

/** The browser's own time zone, or UTC when it has none. */
export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/**
 * A duration for people: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h"; "–" when there is none.
 * @param {number | null | undefined} seconds
 */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`
  const h = Math.floor(m / 60)
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`
  const d = Math.floor(h / 24)
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`
}

/** The busiest-hours grid (weekday × hour, Monday first) as matrix points, and the largest count. */
export function heatmapPoints(busiestHours) {
  const points = []
  let max = 0
  busiestHours.forEach((hours, day) =>
    hours.forEach((count, hour) => {
      points.push({ x: hour, y: day, v: count })
      max = Math.max(max, count)
    }),
  )
  return { points, max }
}

/** The busiest slot, e.g. { day: 0, hour: 9, count: 12 }, or null when nothing started. */
export function busiestSlot(busiestHours) {
  let best = null
  busiestHours.forEach((hours, day) =>
    hours.forEach((count, hour) => {
      if (count > 0 && (!best || count > best.count)) best = { day, hour, count }
    }),
  )
  return best
}
