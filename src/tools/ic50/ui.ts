/**
 * The IC50 calculator page, loaded on first use. Fits one or two lines, shows
 * the parameters, a log-axis plot and the ratio of the two IC₅₀s, and exports
 * CSV, SVG and PNG. Runs offline and from file://. The lines' names, the axis
 * label, the unit and the ratio's name are the center's, read from the form's
 * data-* attributes (see src/sections/tools/ic50.astro).
 */
import { fit4pl, logistic4, maxOf, minOf, parseDoseResponse, ratioOf, rowsOverLimit, tooManyRows, type Estimate, type Fit, type Point } from './fit.ts';
import { textTable } from '../text-table.ts';
import { pageTranslator } from '../../i18n/ui.ts';
import { escapeHtml } from '../../lib/escape-html.ts';

const t = pageTranslator();

/** The center's wording, from the form. */
interface Labels {
  lines: { id: string; name: string; colour: string }[];
  concentration: string;
  /** Unit of the concentrations, or '' when the center names none. */
  unit: string;
  ratio: string;
}

function labelsOf(form: HTMLFormElement): Labels {
  const d = form.dataset;
  return {
    lines: [
      { id: 'line-a', name: d.lineA ?? 'A', colour: '#1d4e89' },
      { id: 'line-b', name: d.lineB ?? 'B', colour: '#a1261b' },
    ],
    concentration: d.concentration ?? '',
    unit: d.unit ?? '',
    ratio: d.ratio ?? '',
  };
}

/** An estimate as a researcher writes it: "2.5", "> 30", "< 0.01". */
const estimate = (e: Estimate) => (e.relation === '=' ? fmt(e.value) : `${e.relation} ${fmt(e.value)}`);

const withUnit = (value: string, unit: string) => (unit ? `${value} ${unit}` : value);

interface Fitted {
  name: string;
  colour: string;
  points: Point[];
  fit: Fit;
}

const fmt = (v: number, digits = 3) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : Number(v.toPrecision(digits)).toString());

function download(name: string, type: string, data: BlobPart): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * The plot as standalone SVG markup: log-scale x axis, points and fitted curves. Drawn for the width it is shown at (a phone's
 * screen, at most 560 px), so its text keeps its size instead of shrinking with the picture; the downloads are 560 px wide.
 */
function plotSvg(lines: Fitted[], labels: Labels, W = 560): string {
  const H = Math.round(Math.max(280, W * 0.64));
  const m = { l: 56, r: 16, t: 16, b: 48 };
  const xs = lines.flatMap((l) => l.points.map((p) => p.x));
  const ys = lines.flatMap((l) => l.points.map((p) => p.y));
  // The parser keeps values within bounds; the ticks are still counted, not stepped to a value, so no input can make them loop.
  const lx0 = Math.floor(Math.log10(minOf(xs)));
  const lx1 = Math.max(lx0 + 1, Math.ceil(Math.log10(maxOf(xs))));
  const y0 = Math.min(0, minOf(ys));
  const y1 = Math.max(100, maxOf(ys));
  const decadeStep = Math.ceil((lx1 - lx0) / Math.max(3, Math.min(12, Math.floor((W - m.l - m.r) / 42))));
  const yStep = 25 * Math.ceil((y1 - y0) / 25 / 12);
  const sx = (x: number) => m.l + ((Math.log10(x) - lx0) / (lx1 - lx0 || 1)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [`<rect width="${W}" height="${H}" fill="#fff"/>`];
  for (let e = lx0; e <= lx1; e += decadeStep) {
    const x = sx(10 ** e);
    parts.push(
      `<line x1="${x}" y1="${m.t}" x2="${x}" y2="${H - m.b}" stroke="#ddd"/><text x="${x}" y="${H - m.b + 18}" font-size="12" text-anchor="middle" fill="#333">${10 ** e >= 1 ? 10 ** e : (10 ** e).toPrecision(1)}</text>`,
    );
  }
  for (let y = Math.ceil(y0 / yStep) * yStep; y <= y1; y += yStep)
    parts.push(
      `<line x1="${m.l}" y1="${sy(y)}" x2="${W - m.r}" y2="${sy(y)}" stroke="#eee"/><text x="${m.l - 8}" y="${sy(y) + 4}" font-size="12" text-anchor="end" fill="#333">${y}</text>`,
    );
  parts.push(
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
  );
  const axis = t('tool.axisX', { label: labels.concentration, unit: labels.unit ? `${labels.unit}, ` : '' });
  parts.push(`<text x="${(W + m.l) / 2}" y="${H - 8}" font-size="13" text-anchor="middle" fill="#111">${escapeHtml(axis)}</text>`);
  parts.push(
    `<text x="14" y="${(H - m.b) / 2}" font-size="13" text-anchor="middle" fill="#111" transform="rotate(-90 14 ${(H - m.b) / 2})">${escapeHtml(t('tool.axisY'))}</text>`,
  );
  lines.forEach((l, i) => {
    const steps = 120;
    const path = Array.from({ length: steps + 1 }, (_, k) => {
      const x = 10 ** (lx0 + ((lx1 - lx0) * k) / steps);
      return `${k === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(logistic4(x, l.fit)).toFixed(1)}`;
    }).join('');
    parts.push(`<path d="${path}" fill="none" stroke="${l.colour}" stroke-width="2"/>`);
    for (const p of l.points) parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="${l.colour}"/>`);
    parts.push(
      // Bottom left: an inhibition curve is high at low doses, so the corner stays clear of the curves.
      `<text x="${m.l + 8}" y="${H - m.b - 10 - (lines.length - 1 - i) * 18}" font-size="13" text-anchor="start" fill="${l.colour}">${escapeHtml(t('tool.legend', { name: l.name, value: withUnit(estimate(l.fit.absolute), labels.unit) }))}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(t('tool.plotLabel'))}">${parts.join('')}</svg>`;
}

function paramsCsv(lines: Fitted[], index: Estimate | undefined, labels: Labels): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  // The IC50s keep their relation ("=", ">", "<") in a column of their own, so the values stay numeric.
  const rows = [
    ['line', 'ic50_relation', 'ic50_absolute', 'unit', 'ic50_relative', 'ci95_low', 'ci95_high', 'hill_slope', 'top', 'bottom', 'r_squared', 'points'],
  ];
  for (const l of lines) {
    const relative = l.fit.relativeDefined ? [l.fit.ic50, l.fit.ci?.[0] ?? '', l.fit.ci?.[1] ?? ''] : ['', '', ''];
    rows.push(
      [l.name, l.fit.absolute.relation, l.fit.absolute.value, labels.unit, ...relative, l.fit.hill, l.fit.top, l.fit.bottom, l.fit.r2, l.fit.n].map(String),
    );
  }
  if (index !== undefined) rows.push([labels.ratio, index.relation, String(index.value), '', '', '', '', '', '', '', '', '']);
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The problems as one alert in the output, after what it holds or (`first`) before it; returns the alert. */
function showProblems(output: HTMLElement, problems: string[], first = false): HTMLElement {
  const box = document.createElement('div');
  box.className = 'ic50-errors';
  box.setAttribute('role', 'alert');
  const list = document.createElement('ul');
  for (const p of problems) {
    const li = document.createElement('li');
    li.textContent = p;
    list.append(li);
  }
  box.append(list);
  if (first) output.prepend(box);
  else output.append(box);
  return box;
}

/**
 * Whether data for a line holds more rows than the calculator takes, said in the output as a fit would say it. Such data never
 * reaches the box: the browser lays out every line of a box first (6–7 s for 200,000 rows, the tab frozen meanwhile).
 */
function refusedAsTooLong(form: HTMLFormElement, output: HTMLElement, lineId: string, text: string): boolean {
  const count = rowsOverLimit(text);
  if (count === undefined) return false;
  const line = labelsOf(form).lines.find((l) => l.id === lineId)!;
  // The boxes are as they were, and so are the results of the last fit: only an earlier message goes.
  output.querySelectorAll('.ic50-errors').forEach((e) => e.remove());
  const alert = showProblems(output, [t('tool.lineError', { line: line.name, message: tooManyRows(count, t) })], true);
  // Below the form, it may be off screen on a phone.
  alert.scrollIntoView({ block: 'nearest' });
  return true;
}

function run(form: HTMLFormElement, output: HTMLElement): void {
  output.replaceChildren();
  const labels = labelsOf(form);
  const problems: string[] = [];
  const fitted: Fitted[] = [];
  for (const line of labels.lines) {
    const text = (form.elements.namedItem(line.id) as HTMLTextAreaElement).value;
    if (!text.trim()) continue;
    const parsed = parseDoseResponse(text, t);
    if (!parsed.ok) {
      problems.push(...parsed.errors.map((message) => t('tool.lineError', { line: line.name, message })));
      continue;
    }
    const result = fit4pl(parsed.points, t);
    if (!result.ok) problems.push(t('tool.lineError', { line: line.name, message: result.error }));
    else fitted.push({ name: line.name, colour: line.colour, points: parsed.points, fit: result.fit });
  }
  if (fitted.length === 0 && problems.length === 0) problems.push(t('tool.noData'));
  if (problems.length > 0) showProblems(output, problems);
  if (fitted.length === 0) return;

  const unit = labels.unit ? ` (${labels.unit})` : '';
  const table = textTable(
    t('tool.tableCaption'),
    [
      t('tool.colLine'),
      t('tool.colAbsolute', { unit }),
      t('tool.colRelative', { unit }),
      t('tool.colCi'),
      t('tool.colHill'),
      t('tool.colTop'),
      t('tool.colBottom'),
      t('tool.colR2'),
      t('tool.colPoints'),
    ],
    fitted.map((l) => [
      l.name,
      estimate(l.fit.absolute),
      l.fit.relativeDefined ? fmt(l.fit.ic50) : t('tool.relativeUndefined'),
      l.fit.relativeDefined && l.fit.ci ? `${fmt(l.fit.ci[0])}–${fmt(l.fit.ci[1])}` : '—',
      fmt(l.fit.hill),
      fmt(l.fit.top),
      fmt(l.fit.bottom),
      l.fit.r2.toFixed(4),
      String(l.fit.n),
    ]),
    'data ic50-results',
  );
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  // The table can be wider than the screen: its scroll box is focusable, so the keyboard can scroll it too.
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', t('tool.resultsRegion'));
  wrap.append(table);
  output.append(wrap);

  const warnings = fitted.flatMap((l) => l.fit.warnings.map((message) => t('tool.lineError', { line: l.name, message })));
  if (warnings.length > 0) {
    const box = document.createElement('ul');
    box.className = 'ic50-warnings';
    for (const w of warnings) {
      const li = document.createElement('li');
      li.textContent = w;
      box.append(li);
    }
    output.append(box);
  }

  const [lineA, lineB] = labels.lines.map((line) => fitted.find((l) => l.name === line.name));
  const index = lineA && lineB ? ratioOf(lineA.fit.absolute, lineB.fit.absolute) : undefined;
  if (lineA && lineB) {
    const p = document.createElement('p');
    p.className = 'ic50-index';
    p.textContent = t('tool.ratio', {
      ratio: labels.ratio,
      a: lineA.name,
      b: lineB.name,
      value: index ? estimate(index) : t('tool.ratioUndetermined'),
    });
    output.append(p);
  }

  const svg = plotSvg(fitted, labels);
  const shown = plotSvg(fitted, labels, Math.max(280, Math.min(560, Math.floor(output.clientWidth || 560))));
  const figure = document.createElement('figure');
  figure.className = 'ic50-plot';
  // It scrolls sideways on a phone: focusable, so the keyboard can scroll it too.
  figure.tabIndex = 0;
  figure.innerHTML = shown; // our own markup: numbers, and the center's labels escaped
  const caption = document.createElement('figcaption');
  caption.textContent = t('tool.plotCaption');
  figure.append(caption);
  output.append(figure);

  const exports = document.createElement('p');
  exports.className = 'ic50-exports';
  const button = (text: string, onClick: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.addEventListener('click', onClick);
    exports.append(b, ' ');
  };
  button(t('tool.downloadCsv'), () => download('ic50-fit.csv', 'text/csv', paramsCsv(fitted, index, labels)));
  button(t('tool.downloadSvg'), () => download('ic50-plot.svg', 'image/svg+xml', svg));
  button(t('tool.downloadPng'), () => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = image.width * 2;
      canvas.height = image.height * 2;
      const context = canvas.getContext('2d')!;
      context.scale(2, 2);
      context.drawImage(image, 0, 0);
      canvas.toBlob((blob) => blob && download('ic50-plot.png', 'image/png', blob), 'image/png');
    };
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
  output.append(exports);
}

const form = document.querySelector<HTMLFormElement>('#ic50-form');
const output = document.querySelector<HTMLElement>('#ic50-output');
if (form && output && !form.dataset.ready) {
  form.dataset.ready = 'yes';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run(form, output);
  });
  form.querySelectorAll<HTMLInputElement>('input[type="file"]').forEach((input) =>
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      const box = form.elements.namedItem(input.dataset.for!) as HTMLTextAreaElement;
      const text = await file.text();
      if (refusedAsTooLong(form, output, box.id, text)) {
        input.value = '';
        return;
      }
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true })); // so the page keeps it, as it keeps what is typed
    }),
  );
  form.querySelectorAll('textarea').forEach((box) =>
    box.addEventListener('paste', (event) => {
      if (refusedAsTooLong(form, output, box.id, event.clipboardData?.getData('text/plain') ?? '')) event.preventDefault();
    }),
  );
  if (form.dataset.pending === 'fit') run(form, output);
}
