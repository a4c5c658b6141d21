// Time-series charts drawn with uPlot (served from node_modules, no build step): the dashboard's
// per-minute charts and the clients' sparklines. The canvas is hidden from assistive technology;
// each chart's figure says the same in text (totals per series), which is also what tests read.
import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';
import { html } from './ui.js';

/** Okabe-Ito colours: told apart with the common colour-vision deficiencies, dark enough on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8a6d00', '#56B4E9', '#1b1f24', '#7a4b00'];

const total = (values) => values.reduce((sum, value) => sum + value, 0);

/** uPlot's data: x in seconds, then one array per series. */
function plotData(minutes, series) {
  return [minutes.map((minute) => Date.parse(minute) / 1000), ...series.map(([, values]) => values)];
}

/**
 * Draws into the element behind `ref`, keeping one uPlot instance while the series stay the same
 * (new data is a setData: no flicker, no layout shift) and following the element's width.
 */
function usePlot(ref, minutes, series, options) {
  const plot = useRef(null);
  const labels = series.map(([label]) => label).join('\n');
  useEffect(() => {
    const element = ref.current;
    if (!element || minutes.length === 0) return undefined;
    const width = Math.max(element.clientWidth, 120);
    plot.current = new uPlot(
      {
        width,
        height: options.height,
        legend: { show: false },
        cursor: options.cursor ?? { show: true, drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: options.axes,
        series: [{}, ...series.map(([label], i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: false } }))],
      },
      plotData(minutes, series),
      element,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(element.clientWidth, 120), height: options.height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [labels, minutes.length > 0]);
  useEffect(() => {
    if (plot.current && minutes.length > 0) plot.current.setData(plotData(minutes, series));
  }, [minutes, series]);
}

/**
 * A per-minute chart with one line per label and a legend giving each label's total.
 * `series`: {label: number[]} aligned with `minutes`; `name` goes into data-chart.
 */
export function TimeChart({ name, title, minutes, series, empty }) {
  const ref = useRef(null);
  const entries = Object.entries(series ?? {}).sort(([a], [b]) => a.localeCompare(b));
  // Nothing yet: one flat line, so that the axes (and the figure's size) are there from the start.
  const drawn = entries.length > 0 ? entries : [['none', new Array(minutes.length).fill(0)]];
  usePlot(ref, minutes, drawn, { height: 180 });
  const sum = total(entries.map(([, values]) => total(values)));
  return html`<figure class="chart" data-chart=${name} data-total=${sum}>
    <figcaption><span class="chart-title">${title}</span> <span class="chart-total">${sum} in the last hour</span></figcaption>
    <div class="chart-canvas" ref=${ref} aria-hidden="true"></div>
    ${entries.length === 0
      ? html`<p class="muted chart-empty">${empty}</p>`
      : html`<ul class="chart-legend">
          ${entries.map(([label, values], i) => html`<li key=${label}><span class="swatch" style=${{ background: PALETTE[i % PALETTE.length] }}></span>${label}: <strong>${total(values)}</strong></li>`)}
        </ul>`}
  </figure>`;
}

/** A small line without axes (a client's tokens per minute). */
export function Sparkline({ minutes, values, label }) {
  const ref = useRef(null);
  usePlot(ref, minutes, [[label, values]], { height: 48, cursor: { show: false }, axes: [{ show: false }, { show: false }] });
  return html`<div class="sparkline" ref=${ref} aria-hidden="true"></div>`;
}
