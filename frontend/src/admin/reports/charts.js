// The chart library (Chart.js with the matrix chart for the heatmap), registered with only what the reports use.
// Imported dynamically by the reports page, so neither the widget nor the rest of the admin app loads it.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js'
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix'
import { heatmapPoints } from './reportFormat.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend, MatrixController, MatrixElement)

const VISITOR = '#1f6feb'
const OPERATOR = '#0a7d5a'

/**
 * Stacked bars: visitor and staff messages per day.
 * @param {HTMLCanvasElement} canvas
 * @param {{ date: string, visitor: number, operator: number }[]} days
 * @param {{ visitor: string, operator: string }} labels
 */
export function messagesChart(canvas, days, labels) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: days.map((d) => d.date),
      datasets: [
        { label: labels.visitor, data: days.map((d) => d.visitor), backgroundColor: VISITOR, stack: 'messages' },
        { label: labels.operator, data: days.map((d) => d.operator), backgroundColor: OPERATOR, stack: 'messages' },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
    },
  })
}

/**
 * Heatmap of conversations started by weekday (rows, Monday first) and hour (columns).
 * @param {HTMLCanvasElement} canvas
 * @param {number[][]} busiestHours
 * @param {{ days: string[], tooltip: (day: string, hour: number, count: number) => string }} labels
 */
export function heatmapChart(canvas, busiestHours, labels) {
  const { points, max } = heatmapPoints(busiestHours)
  return new Chart(canvas, {
    type: 'matrix',
    data: {
      datasets: [
        {
          data: points,
          backgroundColor: (ctx) => {
            const v = ctx.raw?.v ?? 0
            const alpha = max ? 0.08 + (0.92 * v) / max : 0.08
            return `rgba(31, 111, 235, ${alpha.toFixed(3)})`
          },
          borderWidth: 1,
          borderColor: '#ffffff',
          width: ({ chart }) => (chart.chartArea?.width ?? 0) / 24 - 1,
          height: ({ chart }) => (chart.chartArea?.height ?? 0) / 7 - 1,
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: () => '',
            label: (ctx) => labels.tooltip(labels.days[ctx.raw.y], ctx.raw.x, ctx.raw.v),
          },
        },
      },
      scales: {
        x: { type: 'linear', offset: false, min: -0.5, max: 23.5, ticks: { stepSize: 1, callback: (v) => (v % 3 === 0 ? `${v}h` : '') }, grid: { display: false } },
        y: { type: 'linear', offset: false, reverse: true, min: -0.5, max: 6.5, ticks: { stepSize: 1, callback: (v) => labels.days[v] ?? '' }, grid: { display: false } },
      },
    },
  })
}
