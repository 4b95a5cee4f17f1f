/**
 * Dose–response fitting for the IC50 calculator: parsing pasted data and a
 * four-parameter logistic (4PL) fit by Levenberg–Marquardt, with a 95%
 * confidence interval for the IC50 from the fit's covariance.
 *
 *   y = bottom + (top − bottom) / (1 + (x / IC50)^hill)
 *
 * x is the concentration (> 0), y the % viability. The IC50 is fitted on a
 * log scale, so its interval is asymmetric, as in established tools.
 */

import { translator, type Translate } from '../../i18n/ui.ts';

/** The most rows a line's data may have: a dose–response series has tens; more is a pasted file of something else. */
export const MAX_ROWS = 1000;
/** The most replicate values in one row. */
export const MAX_REPLICATES = 48;
/** Concentrations the log axis and the fit take: anything outside is a typing error, not a dose. */
export const CONCENTRATION_RANGE: readonly [number, number] = [1e-15, 1e15];
/** Viability in percent of the control: anything outside is not a viability. */
export const VIABILITY_RANGE: readonly [number, number] = [-100, 1000];

export interface Point {
  x: number;
  y: number;
}

export type Parsed = { ok: true; points: Point[] } | { ok: false; errors: string[] };

/** The rows of pasted or loaded data: its lines that are not blank, trimmed. Lines end as any system ends them (a file from an old Mac uses a lone CR, which a text box turns into a line break). */
function rowsOf(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** How many rows the text holds when that is more than the calculator takes (`MAX_ROWS`), else undefined. */
export function rowsOverLimit(text: string): number | undefined {
  const count = rowsOf(text).length;
  return count > MAX_ROWS ? count : undefined;
}

/** The message for data of `count` rows, more than the calculator takes. */
export function tooManyRows(count: number, say: Translate = translator()): string {
  return say('tool.errTooManyRows', { count, max: MAX_ROWS });
}

/**
 * Reads dose–response data pasted from a spreadsheet or a CSV file: one row
 * per concentration, the concentration first, then one or more replicate
 * viabilities. Tabs, commas, semicolons or spaces separate the cells; a
 * header row is skipped; empty replicate cells are allowed.
 */
export function parseDoseResponse(text: string, say: Translate = translator()): Parsed {
  const errors: string[] = [];
  const points: Point[] = [];
  const rows = rowsOf(text);
  if (rows.length > MAX_ROWS) return { ok: false, errors: [tooManyRows(rows.length, say)] };
  rows.forEach((line, index) => {
    // Tabs (spreadsheets), then semicolons (spreadsheets that write decimal commas), then commas, then spaces.
    const separator = line.includes('\t') ? '\t' : line.includes(';') ? ';' : line.includes(',') ? ',' : /\s+/;
    const cells = line.split(separator).map((c) => c.trim());
    const row = index + 1;
    if (cells.length - 1 > MAX_REPLICATES) {
      errors.push(say('tool.errTooManyCells', { row, count: cells.length - 1, max: MAX_REPLICATES }));
      return;
    }
    const numeric = cells.map((c) => (c === '' ? Number.NaN : Number(c.replace(/^(-?\d+),(\d+)$/, '$1.$2'))));
    if (index === 0 && numeric.every((n) => Number.isNaN(n))) return; // a header row
    const [x, ...ys] = numeric;
    if (cells[0] === '' || Number.isNaN(x)) {
      errors.push(say('tool.errConcNotNumber', { row, cell: cells[0]! }));
      return;
    }
    if (x! <= 0) {
      errors.push(say('tool.errConcNotPositive', { row, cell: cells[0]! }));
      return;
    }
    const [minX, maxX] = CONCENTRATION_RANGE;
    if (!(x! >= minX && x! <= maxX)) {
      errors.push(say('tool.errConcRange', { row, cell: cells[0]!, min: power(minX), max: power(maxX) }));
      return;
    }
    let any = false;
    ys.forEach((y, c) => {
      if (cells[c + 1] === '') return;
      const [minY, maxY] = VIABILITY_RANGE;
      if (Number.isNaN(y)) errors.push(say('tool.errNotNumber', { row, column: c + 2, cell: cells[c + 1]! }));
      else if (!(y! >= minY && y! <= maxY)) errors.push(say('tool.errViabilityRange', { row, column: c + 2, cell: cells[c + 1]!, min: minY, max: maxY }));
      else {
        points.push({ x: x!, y: y! });
        any = true;
      }
    });
    if (!any && ys.length === 0) errors.push(say('tool.errNoViability', { row }));
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, points };
}

/** An IC₅₀ as the data support it: a value, or a bound when 50 % viability is not crossed within the tested concentrations. */
export interface Estimate {
  relation: '=' | '>' | '<';
  value: number;
}

export interface Fit {
  top: number;
  bottom: number;
  hill: number;
  /** The relative IC₅₀: the curve's midpoint, halfway between its plateaus (Prism's "IC50", SciPy's and R's xmid). */
  ic50: number;
  /** 95% confidence interval of the relative IC50; absent with 4 points (no degrees of freedom left). */
  ci?: [number, number];
  /**
   * The absolute IC₅₀, the headline: where the fitted curve crosses 50 % viability. A bound ("> highest dose") when it does
   * not cross 50 % within the tested doses; never extrapolated.
   */
  absolute: Estimate;
  /** Whether the relative IC₅₀ lies within the tested doses and both plateaus are defined by the data, so it may be shown. */
  relativeDefined: boolean;
  /** What the reader must know about this fit (an undefined plateau, no inhibition). */
  warnings: string[];
  r2: number;
  n: number;
  /** Tested concentration range. */
  range: [number, number];
}

/** The fewest distinct concentrations a four-parameter fit is accepted on: one more than it has parameters. */
export const MIN_DOSES = 5;

export type FitResult = { ok: true; fit: Fit } | { ok: false; error: string; fit?: Fit };

/** The 4PL curve. */
export function logistic4(x: number, p: { bottom: number; top: number; ic50: number; hill: number }): number {
  return p.bottom + (p.top - p.bottom) / (1 + Math.pow(x / p.ic50, p.hill));
}

/** Solves A·v = b for a small dense symmetric system by Gaussian elimination; undefined if singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    if (Math.abs(m[pivot]![c]!) < 1e-300) return undefined;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Inverse of a small dense matrix (for the covariance); undefined if singular. */
function invert(a: number[][]): number[][] | undefined {
  const n = a.length;
  const columns: number[][] = [];
  for (let c = 0; c < n; c++) {
    const col = solve(
      a,
      Array.from({ length: n }, (_, i) => (i === c ? 1 : 0)),
    );
    if (!col) return undefined;
    columns.push(col);
  }
  return Array.from({ length: n }, (_, r) => columns.map((col) => col[r]!));
}

/** Regularised incomplete beta function I_x(a, b), by its continued fraction. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnBeta = lgamma(a + b) - lgamma(a) - lgamma(b);
  const front = Math.exp(Math.log(x) * a + Math.log(1 - x) * b + lnBeta);
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  // Lentz's method.
  let f = 1;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < 1e-30 ? 1e-30 : d;
  d = 1 / d;
  f = d;
  for (let m = 1; m <= 300; m++) {
    for (const even of [true, false]) {
      const num = even ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)) : (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + num * d;
      d = Math.abs(d) < 1e-30 ? 1e-30 : d;
      c = 1 + num / c;
      c = Math.abs(c) < 1e-30 ? 1e-30 : c;
      d = 1 / d;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-14) break;
  }
  return (front * f) / a;
}

/** ln Γ(z), Lanczos approximation. */
function lgamma(z: number): number {
  const g = [
    676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  const x = z - 1;
  let a = 0.99999999999980993;
  g.forEach((gi, i) => (a += gi / (x + i + 1)));
  const t = x + g.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Student's t quantile: the t with P(T ≤ t) = p for `df` degrees of freedom. */
export function studentTQuantile(p: number, df: number): number {
  const cdf = (t: number) => {
    const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
    return t >= 0 ? 1 - tail : tail;
  };
  let lo = -1e4;
  let hi = 1e4;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Fits the 4PL curve and reads the absolute IC₅₀ off it. Refuses fewer than five distinct concentrations (four parameters
 * need more than four doses to be estimated at all) and a curve that rises with concentration.
 */
export function fit4pl(points: readonly Point[], say: Translate = translator()): FitResult {
  const n = points.length;
  const doses = new Set(points.map((p) => p.x)).size;
  if (doses < MIN_DOSES)
    return {
      ok: false,
      error: say('tool.errFewDoses', { count: doses, min: MIN_DOSES }),
    };
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const range: [number, number] = [minOf(xs), maxOf(xs)];
  if (maxOf(ys.map(Math.abs)) <= 1.5) return { ok: false, error: say('tool.errFractions') };

  // Start: plateaus from the data, IC50 where the response crosses halfway, and a slope whose sign follows the data
  // (falling for inhibition) and whose size spreads the transition over the tested range.
  const byX = [...points].sort((a, b) => a.x - b.x);
  const falling = byX[0]!.y >= byX[n - 1]!.y;
  const low = minOf(ys);
  const high = maxOf(ys);
  const half = (high + low) / 2;
  const cross = byX.find((p) => (falling ? p.y <= half : p.y >= half)) ?? byX[Math.floor(n / 2)]!;
  const spread = Math.log(range[1]) - Math.log(range[0]);
  // Parameters: [bottom, top, log(IC50), hill]. With a positive hill, top is the response at low concentrations.
  let p = [low, high, Math.log(cross.x), (falling ? 4 : -4) / spread];
  const model = (x: number, q: number[]) => q[0]! + (q[1]! - q[0]!) / (1 + Math.exp(q[3]! * (Math.log(x) - q[2]!)));
  const sse = (q: number[]) => points.reduce((s, pt) => s + (pt.y - model(pt.x, q)) ** 2, 0);
  const jacobian = (q: number[]) =>
    points.map(({ x }) => {
      const e = Math.exp(q[3]! * (Math.log(x) - q[2]!));
      const d = 1 + e;
      const span = q[1]! - q[0]!;
      return [1 - 1 / d, 1 / d, (span * e * q[3]!) / (d * d), (-span * e * (Math.log(x) - q[2]!)) / (d * d)];
    });

  let lambda = 1e-3;
  let current = sse(p);
  for (let iter = 0; iter < 500; iter++) {
    const j = jacobian(p);
    const r = points.map((pt) => pt.y - model(pt.x, p));
    const jtj = [0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((b) => j.reduce((s, row) => s + row[a]! * row[b]!, 0)));
    const jtr = [0, 1, 2, 3].map((a) => j.reduce((s, row, i) => s + row[a]! * r[i]!, 0));
    let improved = false;
    while (lambda < 1e12) {
      const damped = jtj.map((row, a) => row.map((v, b) => (a === b ? v * (1 + lambda) : v)));
      const step = solve(damped, jtr);
      if (!step) {
        lambda *= 10;
        continue;
      }
      const next = p.map((v, k) => v + step[k]!);
      const value = sse(next);
      if (Number.isFinite(value) && value < current) {
        const change = current - value;
        p = next;
        current = value;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = change > 1e-12 * (1 + current);
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }

  const mean = ys.reduce((s, y) => s + y, 0) / n;
  const sst = ys.reduce((s, y) => s + (y - mean) ** 2, 0);
  const [bottom, top, logIc50, hill] = p as [number, number, number, number];
  const fit: Fit = {
    bottom,
    top,
    hill,
    ic50: Math.exp(logIc50),
    absolute: { relation: '=', value: Number.NaN },
    relativeDefined: false,
    warnings: [],
    r2: sst > 0 ? 1 - current / sst : 0,
    n,
    range,
  };
  if (n > 4) {
    const cov = invert([0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((b) => jacobian(p).reduce((s, row) => s + row[a]! * row[b]!, 0))));
    const variance = cov?.[2]?.[2];
    if (variance !== undefined && variance > 0) {
      const se = Math.sqrt((variance * current) / (n - 4));
      const t = studentTQuantile(0.975, n - 4);
      fit.ci = [Math.exp(logIc50 - t * se), Math.exp(logIc50 + t * se)];
    }
  }
  // Judged on the fitted curve within the tested range, so an extrapolated plateau cannot pass for inhibition.
  const atLow = logistic4(range[0], fit);
  const atHigh = logistic4(range[1], fit);
  const drop = atLow - atHigh;
  if (drop < -10) return { ok: false, error: say('tool.errRising'), fit };
  const inhibits = drop > 10 && hill > 0;
  // The absolute IC50: where the fitted curve crosses 50 % within the tested doses, or a bound on the side it lies.
  if (atHigh > 50) fit.absolute = { relation: '>', value: range[1] };
  else if (atLow < 50) fit.absolute = { relation: '<', value: range[0] };
  else fit.absolute = { relation: '=', value: fit.ic50 * Math.pow((top - 50) / (50 - bottom), 1 / hill) };
  if (!inhibits) {
    fit.warnings.push(say('tool.warnNoInhibition', { drop: Math.abs(drop).toFixed(1), low: range[0], high: range[1] }));
    return { ok: true, fit };
  }
  // A plateau is defined by the data when the fitted curve has come within a fifth of the span of it at the end of the tested range.
  const span = top - bottom;
  const bottomDefined = atHigh - bottom <= 0.2 * span;
  const topDefined = top - atLow <= 0.2 * span;
  if (!bottomDefined) fit.warnings.push(say('tool.warnBottom', { viability: atHigh.toFixed(0), bottom: bottom.toFixed(0) }));
  if (!topDefined) fit.warnings.push(say('tool.warnTop', { viability: atLow.toFixed(0), top: top.toFixed(0) }));
  fit.relativeDefined = bottomDefined && topDefined && fit.ic50 >= range[0] && fit.ic50 <= range[1];
  return { ok: true, fit };
}

/**
 * The ratio of two IC₅₀s (line B over line A, the resistance index or fold change), as a value or a bound: "> 12" when line B's
 * IC₅₀ is only known to lie above its highest dose. Undefined when both bounds point the same way, which fixes no ratio.
 */
export function ratioOf(a: Estimate, b: Estimate): Estimate | undefined {
  const value = b.value / a.value;
  const up = (b.relation === '>' && a.relation !== '>') || (a.relation === '<' && b.relation !== '<');
  const down = (b.relation === '<' && a.relation !== '<') || (a.relation === '>' && b.relation !== '>');
  if (up && down) return undefined;
  if (up) return { relation: '>', value };
  if (down) return { relation: '<', value };
  return a.relation === '=' && b.relation === '=' ? { relation: '=', value } : undefined;
}

/** A bound as typed: 1e-15, 1e15. */
const power = (v: number) => v.toExponential().replace('e+', 'e');

/** Smallest and largest of many numbers: Math.min(...xs) overflows the call stack on very long lists. */
export const minOf = (xs: readonly number[]) => xs.reduce((m, x) => (x < m ? x : m), Infinity);
export const maxOf = (xs: readonly number[]) => xs.reduce((m, x) => (x > m ? x : m), -Infinity);
