/**
 * `npm run bench`: builds the site with N synthetic protocols (10, 100, 1000;
 * BENCH_SIZES to change) into temporary folders, cold, and reports time per
 * phase, peak memory, output sizes, per-page weight, PDF time and layout
 * shift. After each round of cold builds it builds the Starlight reference
 * (bench/starlight) cold, so the two are compared in the same minutes.
 * Writes bench/results.json and BENCHMARKS.md, with the analysis in
 * bench/analysis.md; exits non-zero when a budget is exceeded.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { load } from 'cheerio';
import { chromium } from 'playwright-core';
import sirv from 'sirv';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM_ARGS, findBrowser, findHeadlessBrowser } from '../../src/lib/find-browser.ts';
import { measureNode } from './measure.ts';
import { COMPILE_CACHE_FIRST } from '../lib/compile-cache.ts';
import { devReloadSeconds } from './dev-reload.ts';
import { watchRebuildSeconds } from './watch-rebuild.ts';
import { buildStarlight, installStarlight, type StarlightBuild } from './starlight.ts';
import { writeSyntheticProtocols } from './synthetic.ts';

const root = resolve(import.meta.dirname, '../..');
const sizes = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
/** Above this many protocols the PDFs are left out of the build (their cost per protocol is measured at the smaller sizes). */
const PDF_MAX = Number(process.env.BENCH_PDF_MAX ?? 100);
/** Cold builds per size; the table reports the median one, as this machine's timings vary by a second or two from run to run. */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** Builds the Starlight reference (bench/starlight) after each of this site's cold builds; BENCH_STARLIGHT=0 leaves it out. */
const STARLIGHT = process.env.BENCH_STARLIGHT !== '0';
/** Starlight pages built beside N protocols: the reference's 9 and 1,009 pages, and N + 9 in between. */
const starlightPages = (n: number) => (n <= 10 ? 9 : n + 9);
const STARLIGHT_MEASURED = 'built in this run';

/** Budgets, stated in BENCHMARKS.md; the reference figures are Starlight 0.42 on Astro 7 on this kind of machine. */
export const BUDGETS = {
  upFrontJsGzip: 2 * 1024,
  cssGzip: 8 * 1024,
  layoutShift: 0,
  build1000Seconds: 20.6,
  pdfSecondsEach: 0.3,
  /** Against Starlight's cold build of the same content, in the same run. */
  vsStarlight: 0.8,
  /** The real center's full build (PDFs, offline bundle, checks) against Starlight's site-only build of its size, in turn. */
  realFullVsStarlight: 1.5,
  /** At 10,000 protocols and more, where Starlight's sidebar on every page makes each page slower to render. */
  vsStarlightLarge: 0.2,
  /** A rebuild after editing one FAQ, against the cold build of the same size. */
  warmEditFraction: 0.25,
  /** Marginal build time per protocol from 100 to 1000 at most this multiple of that from 10 to 100. */
  linearFactor: 2,
};

interface Run {
  n: number;
  /**
   * When and where this size was measured, for a run kept in bench/results.json from another bench than the others (N=10,000 is
   * built in a run of its own); its ratios are to the Starlight build of that run. Absent for the sizes of this run.
   */
  measured?: string;
  /** The median cold build, without PDFs. */
  wallSeconds: number;
  /** The build with PDFs (Astro's cache empty, diagram renders kept), for N ≤ BENCH_PDF_MAX. */
  withPdfsSeconds: number | null;
  /** Wall time of every cold build (without PDFs), in order. */
  coldRunsSeconds: number[];
  /** The highest peak of the cold builds. */
  peakMemoryMiB: number | null;
  phases: Record<string, number>;
  diagrams: string;
  pdfs: { file: string; seconds: number; pages: number; kb: number }[];
  pdfSecondsEach: number | null;
  distBytes: number;
  searchIndexBytes: number;
  zipBytes: number;
  pages: number;
  page: Record<'html' | 'js' | 'css', { raw: number; gzip: number }>;
  layoutShift: number;
  warm?: { wallSeconds: number; phases: Record<string, number>; diagrams: string };
  /** The rebuild after one FAQ's text changed (caches kept, no PDFs). */
  warmEdit?: { wallSeconds: number; phases: Record<string, number>; diagrams: string; file: string };
  /** `npm run dev`: seconds from saving an edit to a protocol to the open page showing it, per edit. */
  devReload?: number[] | string;
  /** `npm run build -- --watch`: seconds from saving an edit to one FAQ to the rebuilt site in place, per edit. */
  watchRebuild?: number[] | string;
  /** Built after each cold build with Astro's cache emptied but the diagram renders kept, and without PDFs. */
  freshClone?: { runsSeconds: number[]; medianSeconds: number; peakMemoryMiB: number | null; diagrams: string };
  /** The Starlight reference, built cold after each of this size's cold builds. */
  starlight?: { pages: number; runsSeconds: number[]; medianSeconds: number; peakMemoryMiB: number | null };
}

function dirBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((s, d) => s + statSync(join(d.parentPath, d.name)).size, 0);
}

function build(env: NodeJS.ProcessEnv): { wall: number; peak: number | null; stdout: string } {
  // As `npm run build` starts it (package.json).
  const run = measureNode('bench build', ['--import', COMPILE_CACHE_FIRST, 'scripts/build.ts'], root, env);
  return { wall: run.wall, peak: run.peak, stdout: run.stdout + run.stderr };
}

/** What the build's diagrams integration said it did. */
const diagramsLine = (stdout: string) => /\[diagrams\] ([^\n]+)/.exec(stdout)?.[1] ?? '';

function phases(stdout: string): Record<string, number> {
  // scripts/build.ts logs its own phases as "[build] name: 1.23 s"; Astro's logger prints the output steps' as
  // "12:00:00 [support-center:outputs] name: 1.23 s · what it did".
  return Object.fromEntries(
    [...stdout.matchAll(/\[(?:build|support-center:outputs)\] ([a-z ]+): ([\d.]+) s(?: ·.*)?$/gm)].map((m) => [m[1]!, Number(m[2])]),
  );
}

function weight(text: string) {
  return { raw: Buffer.byteLength(text), gzip: gzipSync(text).length };
}

async function layoutShift(dist: string, paths: string[]): Promise<number> {
  const executablePath = findBrowser();
  if (!executablePath) return Number.NaN;
  const server = createServer(sirv(dist));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  let total = 0;
  for (const path of paths) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(base + path, { waitUntil: 'load' });
    total += await page.evaluate(
      () =>
        new Promise<number>((done) => {
          let sum = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) sum += e.value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => done(sum), 800);
        }),
    );
    await page.close();
  }
  await browser.close();
  server.close();
  return total;
}

async function benchOne(n: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), `hrs-bench-${n}-`));
  try {
    const content = join(dir, 'content');
    cpSync(join(root, 'content'), content, { recursive: true });
    writeSyntheticProtocols(content, n);
    const dist = join(dir, 'dist');
    const env = {
      SITE_CONTENT_DIR: content,
      SITE_OUT_DIR: dist,
      SITE_CACHE_DIR: join(dir, 'astro-cache'),
      SITE_DIAGRAM_CACHE: join(dir, 'diagram-cache'),
      // The zip's budget is for the real site; synthetic sites are judged on time.
      SITE_BUNDLE_BUDGET_KB: '1000000',
      // The timed builds are without PDFs; the PDFs are timed in a build of their own below.
      SITE_PDF: 'skip',
    };
    const colds = [];
    const references: StarlightBuild[] = [];
    const clones: ReturnType<typeof build>[] = [];
    for (let i = 1; i <= RUNS; i++) {
      for (const cache of ['astro-cache', 'diagram-cache']) rmSync(join(dir, cache), { recursive: true, force: true });
      mkdirSync(join(dir, 'diagram-cache'));
      console.log(`[bench] N=${n}: building cold (${i} of ${RUNS})…`);
      colds.push(build(env));
      // As from a fresh clone of a repository that commits its diagram renders, as this one does: Astro's cache empty, the renders kept.
      rmSync(join(dir, 'astro-cache'), { recursive: true, force: true });
      console.log(`[bench] N=${n}: building with the diagram renders kept (${i} of ${RUNS})…`);
      clones.push(build({ ...env, SITE_OUT_DIR: join(dir, 'dist-clone'), SITE_PDF: 'skip' }));
      if (starlightDir) {
        console.log(`[bench] N=${n}: building the Starlight reference cold, ${starlightPages(n)} pages (${i} of ${RUNS})…`);
        references.push(buildStarlight(starlightDir, starlightPages(n)));
      }
    }
    const cold = [...colds].sort((a, b) => a.wall - b.wall)[Math.floor(colds.length / 2)]!;
    const peaks = colds.map((c) => c.peak).filter((p): p is number => p !== null);
    // The PDFs: one more build with them, Astro's cache empty and the diagram renders kept, into the folder measured below.
    let withPdfs: ReturnType<typeof build> | undefined;
    if (n <= PDF_MAX) {
      rmSync(join(dir, 'astro-cache'), { recursive: true, force: true });
      console.log(`[bench] N=${n}: building with PDFs…`);
      withPdfs = build({ ...env, SITE_PDF: '' });
    }
    const pdfPhase = withPdfs ? (phases(withPdfs.stdout)['pdf export'] ?? 0) : 0;
    const pdfs = [...(withPdfs?.stdout ?? '').matchAll(/^\[pdf\] (synthetic-[\w-]+\.pdf): (\d+) pages, (\d+) KB, ([\d.]+) s$/gm)].map((m) => ({
      file: m[1]!,
      pages: Number(m[2]),
      kb: Number(m[3]),
      seconds: Number(m[4]),
    }));
    const pagePath = '/protocols/synthetic-0001/';
    const $ = load(readFileSync(join(dist, pagePath, 'index.html'), 'utf8'));
    const js = $('script:not([type="application/json"])')
      .map((_, s) => $(s).html() ?? '')
      .get()
      .join('\n');
    const css = $('link[rel="stylesheet"]')
      .map((_, l) => readFileSync(join(dist, $(l).attr('href')!), 'utf8'))
      .get()
      .join('\n');
    const run: Run = {
      n,
      wallSeconds: cold.wall,
      withPdfsSeconds: withPdfs?.wall ?? null,
      coldRunsSeconds: colds.map((c) => Number(c.wall.toFixed(2))),
      peakMemoryMiB: peaks.length ? Math.max(...peaks) : null,
      phases: { ...phases(cold.stdout), 'pdf export': pdfPhase },
      diagrams: diagramsLine(cold.stdout),
      pdfs: pdfs.slice(0, 3),
      // The PDF phase over the protocols it printed (every PDF but the combined one, which is assembled from them).
      pdfSecondsEach: withPdfs ? pdfPhase / Math.max(1, pdfFiles(dist) - 1) : null,
      distBytes: dirBytes(dist),
      searchIndexBytes: dirBytes(join(dist, 'pagefind')),
      zipBytes: dirBytes(join(dist, 'downloads')),
      pages: readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith('.html')).length,
      page: { html: weight($.html()), js: weight(js), css: weight(css) },
      layoutShift: await layoutShift(dist, ['/', pagePath, '/protocols/']),
    };
    const cloneTimes = clones.map((c) => c.wall);
    run.freshClone = {
      runsSeconds: cloneTimes.map((t) => Number(t.toFixed(2))),
      medianSeconds: [...cloneTimes].sort((a, b) => a - b)[Math.floor(cloneTimes.length / 2)]!,
      peakMemoryMiB: Math.max(0, ...clones.map((c) => c.peak ?? 0)) || null,
      diagrams: diagramsLine(clones[0]!.stdout),
    };
    if (references.length > 0) {
      const times = references.map((r) => r.wall);
      const peaks = references.map((r) => r.peak).filter((p): p is number => p !== null);
      run.starlight = {
        pages: references[0]!.pages,
        runsSeconds: times.map((t) => Number(t.toFixed(2))),
        medianSeconds: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!,
        peakMemoryMiB: peaks.length ? Math.max(...peaks) : null,
      };
    }
    if (n === 100) {
      console.log(`[bench] N=${n}: building warm…`);
      const warm = build(env);
      run.warm = { wallSeconds: warm.wall, phases: phases(warm.stdout), diagrams: diagramsLine(warm.stdout) };
      // One FAQ's text changes, as an author's edit would: the rebuild after it.
      const faq = readdirSync(join(content, 'faq')).filter((f) => f.endsWith('.mdx')).sort()[0]!;
      appendFileSync(join(content, 'faq', faq), '\nA sentence added by the benchmark between two builds.\n');
      console.log(`[bench] N=${n}: building warm after editing faq/${faq}…`);
      const edited = build(env);
      console.log(`[bench] N=${n}: npm run dev, editing a protocol…`);
      run.devReload = await devReloadSeconds(root, content, 'synthetic-0001').catch((error: Error) => `not measured: ${error.message.split('\n')[0]}`);
      console.log(`[bench] N=${n}: npm run build -- --watch, editing a FAQ…`);
      run.watchRebuild = await watchRebuildSeconds(root, env, content).catch((error: Error) => `not measured: ${error.message.split('\n')[0]}`);
      run.warmEdit = { wallSeconds: edited.wall, phases: phases(edited.stdout), diagrams: diagramsLine(edited.stdout), file: `faq/${faq}` };
    }
    console.log(`[bench] N=${n}: ${run.wallSeconds.toFixed(1)} s, ${run.pages} pages, peak ${run.peakMemoryMiB?.toFixed(0)} MiB`);
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The real center as it is committed, built whole, in turn with Starlight's site of its size. */
interface RealCenter {
  /** Full builds: PDFs, offline bundle, checks; Astro's cache and the print cache empty, the committed diagram renders kept. */
  runsSeconds: number[];
  medianSeconds: number;
  /** The PDF phase of each build, and the protocols it printed. */
  pdfRunsSeconds: number[];
  protocols: number;
  pages: number;
  starlight: { pages: number; runsSeconds: number[]; medianSeconds: number } | null;
}

/**
 * The real center (content/) built whole, as a reader of the README builds it after a fresh clone: PDFs, offline bundle and
 * checks, Astro's cache and the print cache empty, the committed diagram renders kept. Each build is followed by Starlight's
 * site-only build of the same size (9 pages), so the two are compared in the same minutes.
 */
function benchRealCenter(): RealCenter {
  const dir = mkdtempSync(join(tmpdir(), 'hrs-bench-real-'));
  try {
    const content = join(dir, 'content');
    cpSync(join(root, 'content'), content, { recursive: true });
    const env = { SITE_CONTENT_DIR: content, SITE_OUT_DIR: join(dir, 'dist'), SITE_CACHE_DIR: join(dir, 'cache'), SITE_PDF: '' };
    const builds: ReturnType<typeof build>[] = [];
    const references: StarlightBuild[] = [];
    for (let i = 1; i <= RUNS; i++) {
      rmSync(join(dir, 'cache'), { recursive: true, force: true });
      console.log(`[bench] real center: full build with PDFs (${i} of ${RUNS})…`);
      const built = build(env);
      if (!/\[build\] Complete|Complete!/.test(built.stdout)) throw new Error(`the real center did not build:
${built.stdout.slice(-2000)}`);
      builds.push(built);
      if (starlightDir) {
        console.log(`[bench] real center: building the Starlight reference cold, ${starlightPages(0)} pages (${i} of ${RUNS})…`);
        references.push(buildStarlight(starlightDir, starlightPages(0)));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const dist = join(dir, 'dist');
    return {
      runsSeconds: builds.map((b) => Number(b.wall.toFixed(2))),
      medianSeconds: median(builds.map((b) => b.wall)),
      pdfRunsSeconds: builds.map((b) => phases(b.stdout)['pdf export'] ?? Number.NaN),
      protocols: pdfFiles(dist) - 1,
      pages: readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith('.html')).length,
      starlight: references.length
        ? { pages: references[0]!.pages, runsSeconds: references.map((r) => Number(r.wall.toFixed(2))), medianSeconds: median(references.map((r) => r.wall)) }
        : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How many PDFs a built site holds. */
function pdfFiles(dist: string): number {
  return existsSync(join(dist, 'pdf')) ? readdirSync(join(dist, 'pdf')).filter((f) => f.endsWith('.pdf')).length : 0;
}

/** BENCH_REPORT_ONLY=1 builds nothing: it writes BENCHMARKS.md again from bench/results.json, e.g. after bench/analysis.md changed. */
const saved = process.env.BENCH_REPORT_ONLY === '1' ? (JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8')) as SavedResults) : undefined;
interface SavedResults {
  date: string;
  machine: string;
  versions: Record<string, string>;
  starlight: string;
  runs: Run[];
  realCenter?: RealCenter | null;
}
let starlightDir: string | undefined;
let starlightMissing = saved ? saved.starlight : STARLIGHT ? '' : 'left out (BENCH_STARLIGHT=0)';
if (STARLIGHT && !saved) {
  const dir = mkdtempSync(join(tmpdir(), 'hrs-bench-starlight-'));
  console.log('[bench] installing the Starlight reference (bench/starlight) from its lockfile…');
  const failed = installStarlight(root, dir);
  if (failed) {
    starlightMissing = `not measured: ${failed}`;
    console.warn(`[bench] Starlight reference ${starlightMissing}`);
    rmSync(dir, { recursive: true, force: true });
  } else starlightDir = dir;
}
const runs: Run[] = saved ? saved.runs : [];
/** BENCH_REAL=0 leaves the real center's full build out. */
let realCenter: RealCenter | null = saved ? (saved.realCenter ?? null) : null;
try {
  if (!saved && process.env.BENCH_REAL !== '0') realCenter = benchRealCenter();
  if (!saved) for (const n of sizes) runs.push(await benchOne(n));
} finally {
  if (starlightDir) rmSync(starlightDir, { recursive: true, force: true });
}

const byN = (n: number) => runs.find((r) => r.n === n);
/** A cold build without PDFs: the figure compared with budgets and with Starlight. */
const astroEtc = (r: Run) => r.wallSeconds;
const failures: string[] = [];
const budgetRows: [string, string, string, boolean][] = [];
/** A ratio to two decimals, or to four where two would show the limit itself for a ratio over it ("0.8035×", not "0.80×"). */
const ratioText = (ratio: number, limit: number) => `${ratio.toFixed(ratio > limit && Number(ratio.toFixed(2)) <= limit ? 4 : 2)}×`;
const check = (name: string, limit: string, value: string, ok: boolean) => {
  budgetRows.push([name, limit, value, ok]);
  if (!ok) failures.push(`${name}: ${value} (budget ${limit})`);
};
const content = runs[runs.length - 1]!;
check('Up-front JS on a content page (gzip)', `≤ ${BUDGETS.upFrontJsGzip} B`, `${content.page.js.gzip} B`, content.page.js.gzip <= BUDGETS.upFrontJsGzip);
check('CSS (gzip)', `≤ ${BUDGETS.cssGzip} B`, `${content.page.css.gzip} B`, content.page.css.gzip <= BUDGETS.cssGzip);
check(
  'Layout shift (CLS, home + protocol + index)',
  '0',
  String(Math.max(...runs.map((r) => r.layoutShift))),
  runs.every((r) => r.layoutShift <= BUDGETS.layoutShift),
);
if (realCenter) {
  const pdfEach = realCenter.pdfRunsSeconds.map((t) => t / Math.max(1, realCenter!.protocols));
  check(
    `PDF time per protocol, real center (${realCenter.protocols} protocols, the combined PDF included)`,
    `≤ ${BUDGETS.pdfSecondsEach} s`,
    // Three decimals: the worst run is checked, and 0.303 s must not read as 0.30.
    `${Math.max(...pdfEach).toFixed(3)} s (runs ${pdfEach.map((t) => t.toFixed(3)).join(', ')} s)`,
    Math.max(...pdfEach) <= BUDGETS.pdfSecondsEach,
  );
  if (realCenter.starlight) {
    const ratio = realCenter.medianSeconds / realCenter.starlight.medianSeconds;
    check(
      "Real center, full build (PDFs, offline bundle, checks), against Starlight's site-only build of its size",
      `≤ ${BUDGETS.realFullVsStarlight}×`,
      `${realCenter.medianSeconds.toFixed(1)} s / ${realCenter.starlight.medianSeconds.toFixed(1)} s = ${ratioText(ratio, BUDGETS.realFullVsStarlight)}`,
      ratio <= BUDGETS.realFullVsStarlight,
    );
  }
}
const pdfEach = runs.map((r) => r.pdfSecondsEach).filter((x): x is number => x !== null);
if (pdfEach.length)
  check('PDF time per protocol', `≤ ${BUDGETS.pdfSecondsEach} s`, `${Math.max(...pdfEach).toFixed(2)} s`, Math.max(...pdfEach) <= BUDGETS.pdfSecondsEach);
const [r10, r100, r1000] = [byN(10), byN(100), byN(1000)];
if (r1000)
  check(
    'Build of 1000 protocols (without PDFs)',
    `< ${BUDGETS.build1000Seconds} s`,
    `${astroEtc(r1000).toFixed(1)} s`,
    astroEtc(r1000) < BUDGETS.build1000Seconds,
  );
if (r10 && r100 && r1000) {
  const early = (astroEtc(r100) - astroEtc(r10)) / 90;
  const late = (astroEtc(r1000) - astroEtc(r100)) / 900;
  check(
    'Growth linear in N (marginal s/protocol, 100→1000 vs 10→100)',
    `≤ ${BUDGETS.linearFactor}×`,
    `${(late * 1000).toFixed(1)} ms vs ${(early * 1000).toFixed(1)} ms`,
    late <= BUDGETS.linearFactor * Math.max(early, 0.001),
  );
}

// Against the Starlight reference measured in the same run: time (cold, and as from a fresh clone with the diagram renders kept)
// and peak memory.
for (const r of runs) {
  if (!r.starlight) continue;
  const ratio = r.wallSeconds / r.starlight.medianSeconds;
  const limit = r.n >= 10_000 ? BUDGETS.vsStarlightLarge : BUDGETS.vsStarlight;
  check(
    `Cold build, N=${r.n}, against Starlight's`,
    `≤ ${limit}×`,
    `${r.wallSeconds.toFixed(1)} s / ${r.starlight.medianSeconds.toFixed(1)} s = ${ratioText(ratio, limit)}`,
    ratio <= limit,
  );
  if (r.freshClone) {
    const kept = r.freshClone.medianSeconds / r.starlight.medianSeconds;
    check(
      `Build with the diagram renders kept, N=${r.n}, against Starlight's cold build`,
      `≤ ${limit}×`,
      `${r.freshClone.medianSeconds.toFixed(1)} s / ${r.starlight.medianSeconds.toFixed(1)} s = ${ratioText(kept, limit)}`,
      kept <= limit,
    );
  }
  if ((r.n === 1000 || r.n >= 10_000) && r.peakMemoryMiB && r.starlight.peakMemoryMiB)
    check(
      `Peak memory, N=${r.n}, against Starlight's`,
      '≤ 1×',
      `${r.peakMemoryMiB.toFixed(0)} MiB / ${r.starlight.peakMemoryMiB.toFixed(0)} MiB = ${ratioText(r.peakMemoryMiB / r.starlight.peakMemoryMiB, 1)}`,
      r.peakMemoryMiB <= r.starlight.peakMemoryMiB,
    );
}
for (const r of runs.filter((r) => r.warmEdit))
  check(
    `Rebuild after editing one FAQ, N=${r.n}, against the cold build`,
    `≤ ${BUDGETS.warmEditFraction}×`,
    `${r.warmEdit!.wallSeconds.toFixed(1)} s / ${r.wallSeconds.toFixed(1)} s = ${ratioText(r.warmEdit!.wallSeconds / r.wallSeconds, BUDGETS.warmEditFraction)}`,
    r.warmEdit!.wallSeconds <= BUDGETS.warmEditFraction * r.wallSeconds,
  );
for (const r of runs.filter((r) => r.watchRebuild)) {
  const times = typeof r.watchRebuild === 'string' ? [] : r.watchRebuild!;
  const median = times.length ? [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]! : Number.NaN;
  check(
    `Rebuild after editing one FAQ with \`npm run build -- --watch\` (median of ${times.length}), N=${r.n}, against the cold build`,
    `≤ ${BUDGETS.warmEditFraction}×`,
    times.length ? `${median.toFixed(1)} s / ${r.wallSeconds.toFixed(1)} s = ${ratioText(median / r.wallSeconds, BUDGETS.warmEditFraction)}` : String(r.watchRebuild),
    median <= BUDGETS.warmEditFraction * r.wallSeconds,
  );
}
for (const [name, limit, value, ok] of budgetRows) console.log(`[bench] ${ok ? 'met ' : 'MISS'} ${name}: ${value} (budget ${limit})`);

const starlightMeasured = saved ? saved.starlight === STARLIGHT_MEASURED : Boolean(starlightDir);
const versions = saved?.versions ?? Object.fromEntries(
  ['astro', 'pagefind', 'mermaid', 'playwright-core', 'vitest'].map((p) => [
    p,
    JSON.parse(readFileSync(join(root, 'node_modules', p, 'package.json'), 'utf8')).version as string,
  ]),
);
/** The browser that renders the diagrams and prints the PDFs, with its path: Chromium's headless shell is about twice as fast. */
const chromiumVersion = () => {
  const path = findHeadlessBrowser();
  if (!path) return 'no browser for diagrams and PDFs';
  return `${spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown version'} (${path}) for diagrams and PDFs`;
};
const machine =
  saved?.machine ?? `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${chromiumVersion()}`;
const results = {
  date: saved?.date ?? new Date().toISOString(),
  machine,
  versions,
  budgets: BUDGETS,
  starlight: starlightMeasured ? STARLIGHT_MEASURED : starlightMissing,
  runs,
  realCenter,
  budgetRows,
  failures,
};
if (!saved) {
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const secs = (t: number) => `${t.toFixed(1)} s`;
const starlightIntro = starlightMeasured
  ? `The reference project in \`bench/starlight/\` (Starlight 0.42.4 on Astro 7.3.5: plain Markdown pages of about 1,200 words, a home
page and Starlight's own 404 page, Pagefind on) was built cold after each round of this site's builds (cold, then with the diagram
renders kept), on the same Node with the same flags, so both are measured in the same minutes on the same machine: this machine's
speed drifts by 15–20% over hours. "Ahead" compares with
that measurement where there is one. The issue's reference figures, for the same kind of machine: 9 pages in about 2.2 s cold,
1,009 pages in about 20.6 s peaking near 1.2 GiB, and a content page loading 5.2 KB gzip of JS up front and 16.3 KB gzip of CSS.`
  : `The Starlight reference in \`bench/starlight/\` was ${starlightMissing}; "ahead" compares with the issue's reference figures: 9 pages
in about 2.2 s cold, 1,009 pages in about 20.6 s peaking near 1.2 GiB, and a content page loading 5.2 KB gzip of JS up front and
16.3 KB gzip of CSS.`;
/** [figure, Starlight this run, Starlight reference, this site, ahead (null: nothing to compare with)] */
const starlightRows: [string, string, string, string, boolean | null][] = [];
const below = (ours: number, theirs: number) => (Number.isFinite(theirs) ? ours < theirs : null);
for (const [r, reference, referenceSeconds] of [
  [r10, '2.2 s (9 pages)', 2.2],
  [r100, '—', Number.NaN],
  [r1000, '20.6 s (1,009 pages)', 20.6],
] as const) {
  if (!r) continue;
  const theirs = r.starlight;
  const ours = astroEtc(r);
  starlightRows.push([
    `Cold build, N=${r.n}${r.n <= 10 ? ' (smallest)' : ''}, without PDFs`,
    theirs ? `${secs(theirs.medianSeconds)} (${theirs.pages} pages; runs ${theirs.runsSeconds.map((t) => t.toFixed(1)).join(', ')} s)` : '—',
    reference,
    `${secs(ours)} (${r.pages} pages; runs ${r.coldRunsSeconds.map((t) => t.toFixed(1)).join(', ')} s)`,
    below(ours, theirs?.medianSeconds ?? referenceSeconds),
  ]);
  if (r.freshClone)
    starlightRows.push([
      `Build, N=${r.n}, diagram renders kept (fresh clone)`,
      theirs ? secs(theirs.medianSeconds) : '—',
      reference,
      `${secs(r.freshClone.medianSeconds)} (runs ${r.freshClone.runsSeconds.map((t) => t.toFixed(1)).join(', ')} s)`,
      below(r.freshClone.medianSeconds, theirs?.medianSeconds ?? referenceSeconds),
    ]);
}
if (r1000?.peakMemoryMiB) {
  const theirs = r1000.starlight?.peakMemoryMiB;
  starlightRows.push([
    'Peak memory, N=1000 build',
    theirs ? `${theirs.toFixed(0)} MiB` : '—',
    '≈ 1229 MiB',
    `${r1000.peakMemoryMiB.toFixed(0)} MiB`,
    r1000.peakMemoryMiB < (theirs ?? 1229),
  ]);
}
if (realCenter)
  starlightRows.push([
    `Real center, full build: ${realCenter.pages} pages, ${realCenter.protocols} protocol PDFs and the combined one, the offline zip, checks (Starlight: site only)`,
    realCenter.starlight
      ? `${secs(realCenter.starlight.medianSeconds)} (${realCenter.starlight.pages} pages; runs ${realCenter.starlight.runsSeconds.map((t) => t.toFixed(1)).join(', ')} s)`
      : '—',
    '—',
    `${secs(realCenter.medianSeconds)} (runs ${realCenter.runsSeconds.map((t) => t.toFixed(1)).join(', ')} s; PDF phase ${realCenter.pdfRunsSeconds.map((t) => t.toFixed(2)).join(', ')} s)`,
    realCenter.starlight ? realCenter.medianSeconds < realCenter.starlight.medianSeconds : null,
  ]);
starlightRows.push(
  ['Up-front JS, content page (gzip)', '—', '5.2 KB', `${(content.page.js.gzip / 1024).toFixed(1)} KB`, content.page.js.gzip < 5.2 * 1024],
  ['CSS, content page (gzip)', '—', '16.3 KB', `${(content.page.css.gzip / 1024).toFixed(1)} KB`, content.page.css.gzip < 16.3 * 1024],
);
/** What dominated and what was done: written by hand in bench/analysis.md, kept with the generated tables. */
const analysisFile = join(root, 'bench/analysis.md');
const analysis = existsSync(analysisFile) ? readFileSync(analysisFile, 'utf8').trim() : '';
/** Search quality, as the default center's search-quality test measured it (SEARCH_QUALITY_RECORD=1 writes the file). */
const qualityFile = join(root, 'bench/search-quality.json');
type Quality = { recallAt3: number; mrr: number; misses: string[]; byKind: Record<string, { queries: number; recallAt3: number }> };
const quality = existsSync(qualityFile)
  ? (JSON.parse(readFileSync(qualityFile, 'utf8')) as { date: string; queries: number; box: Quality; raw: Quality; before?: { box: Quality; raw: Quality; indexBytes?: number }; indexBytes?: number })
  : undefined;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const qualitySection = quality
  ? `## Search quality

Measured on ${quality.date} by \`test/content/search-quality.test.ts\` over ${quality.queries} queries that researchers type into the default center (shorthand,
notation, synonyms, typos, plain questions, section targets; \`test/content/search-queries.ts\`), through the site's search box in Chromium
and through Pagefind's raw API (\`pagefind.search\` with default options, as another client of the index would call it). Recall@3: the
expected page, and its section where one is named, among the first three results; MRR over the first eight.

| client | recall@3 | MRR | ${Object.keys(quality.box.byKind).join(' | ')} |
| --- | --- | --- | ${Object.keys(quality.box.byKind).map(() => '---').join(' | ')} |
${[
  ...(quality.before ? ([['search box, before', quality.before.box], ['raw Pagefind API, before', quality.before.raw]] as const) : []),
  ['search box', quality.box] as const,
  ['raw Pagefind API', quality.raw] as const,
]
  .map(([name, q]) => `| ${name} | ${pct(q.recallAt3)} | ${q.mrr.toFixed(3)} | ${Object.keys(quality.box.byKind).map((k) => (q.byKind[k] ? pct(q.byKind[k]!.recallAt3) : '—')).join(' | ')} |`)
  .join('\n')}
${quality.box.misses.length + quality.raw.misses.length > 0 ? `\nMissed: ${[...quality.box.misses.map((m) => `box: ${m}`), ...quality.raw.misses.map((m) => `raw: ${m}`)].join('; ')}.\n` : ''}`
  : '';
const phaseNames = ['content checks', 'astro', 'pdf export', 'pages', 'search index', 'offline bundle', 'link check', 'security headers'];
const md = `# Benchmarks

Written by \`npm run bench\` on ${results.date.slice(0, 10)}; raw figures in \`bench/results.json\`.

- Machine: ${machine}
- Versions: ${Object.entries(versions)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ')}
- Content: the real site plus N synthetic protocols (objective, 10 materials, 12 steps with figures and units, one table, three citations, a Mermaid diagram in every tenth), built cold into a temporary folder: empty Astro cache, empty diagram cache. Node's compile cache of the generator's processes (\`node_modules/.cache/support-center/compile-cache\`, V8's code for the modules of Astro, Vite and the generator) is kept between builds, as it is on an author's machine after the first build; Starlight's builds run Astro's CLI as it comes, without one.
- The real center is also built whole, as after a fresh clone (PDFs, offline bundle, checks; Astro's cache and the print cache empty, the committed diagram renders kept), ${RUNS} time${RUNS === 1 ? '' : 's'}, each followed by Starlight's site-only build of its size: "Real center, full build" below, and its budget of ${BUDGETS.realFullVsStarlight}×.
- The timed cold builds make no PDFs. For N ≤ ${PDF_MAX} one more build (Astro's cache empty, the diagram renders kept) exports them: its wall time is "with PDFs", its PDF phase is the "pdf export" column and the time per protocol. Above that size the cost per protocol comes from the smaller runs.
- Phases overlap: the content checks and the diagram renders (one browser for the whole build) run alongside Astro, which reads the renders from the cache; the pages are read for the search index, packed for the zip and read for links as Astro renders them, so "astro" holds most of that work. After Astro: "pages" reads what did not come as it is on disk and fills in the PDF sizes; "search index" is Pagefind taking the pages it has not read yet (it reads each as Astro renders it, in the order Astro set out to render them) and writing its index, beside the PDF export; "offline bundle" ends when the zip is written, after the index it carries. "content checks" is the time until both checks and renders finished.

## Build

Each size is built cold ${RUNS} time${RUNS === 1 ? '' : 's'}; a row shows the median build, "cold runs" lists every build, and peak memory is
the highest of them (the largest single process, as \`/usr/bin/time\` reports it).

| N | pages | cold build (median) | cold runs | with PDFs | ${phaseNames.join(' | ')} | peak memory | diagrams |
| --- | --- | --- | --- | --- | ${phaseNames.map(() => '---').join(' | ')} | --- | --- |
${runs
  .map(
    (r) =>
      `| ${r.n} | ${r.pages} | ${r.wallSeconds.toFixed(1)} s | ${r.coldRunsSeconds.map((t) => t.toFixed(1)).join(', ')} s | ${r.withPdfsSeconds !== null ? `${r.withPdfsSeconds.toFixed(1)} s` : 'not built'} | ${phaseNames.map((p) => (r.phases[p] !== undefined ? `${r.phases[p]!.toFixed(2)} s` : '—')).join(' | ')} | ${r.peakMemoryMiB ? `${r.peakMemoryMiB.toFixed(0)} MiB` : '—'} | ${r.diagrams} |`,
  )
  .join('\n')}
${runs
  .filter((r) => r.measured)
  .map((r) => `\nN=${r.n} is from another run than the rows above: ${r.measured}. Its ratios below are to Starlight's build in that run.\n`)
  .join('')}${runs
  .filter((r) => r.warm)
  .map(
    (r) =>
      `\nWarm rebuild, N=${r.n} (same content, caches kept, no PDFs): ${r.warm!.wallSeconds.toFixed(1)} s; ${phaseNames.map((p) => `${p} ${r.warm!.phases[p]?.toFixed(2) ?? '—'} s`).join(', ')}; diagrams: ${r.warm!.diagrams}.` +
      (r.warmEdit
        ? `\n\nRebuild after editing one FAQ (${r.warmEdit.file}), N=${r.n}: ${r.warmEdit.wallSeconds.toFixed(1)} s, ${(r.warmEdit.wallSeconds / r.wallSeconds).toFixed(2)}× the cold build; ${phaseNames.map((p) => `${p} ${r.warmEdit!.phases[p]?.toFixed(2) ?? '—'} s`).join(', ')}; diagrams: ${r.warmEdit.diagrams}.`
        : '') +
      (r.watchRebuild
        ? `\n\n\`npm run build -- --watch\`, N=${r.n}: from saving an edit to one FAQ to the rebuilt site in place (checks, pages, search index, offline bundle, link check), ${
            typeof r.watchRebuild === 'string' ? r.watchRebuild : `${r.watchRebuild.map((t) => t.toFixed(2)).join(', ')} s (three edits in a row, after the watch's first build)`
          }.`
        : '') +
      (r.devReload
        ? `\n\n\`npm run dev\`, N=${r.n}: from saving an edit to a protocol to the open page showing it, ${
            typeof r.devReload === 'string' ? r.devReload : `${r.devReload.map((t) => t.toFixed(2)).join(', ')} s (three edits in a row, the server started and the page open)`
          }.`
        : ''),
  )
  .join('\n')}

${runs
  .filter((r) => r.freshClone)
  .map(
    (r) =>
      `\nDiagram renders kept, N=${r.n} (Astro's cache empty, the diagram cache as the cold build left it, no PDFs: a fresh clone of a repository that commits its renders, as this one does): median ${secs(r.freshClone!.medianSeconds)} (runs ${r.freshClone!.runsSeconds.map((t) => t.toFixed(1)).join(', ')} s), peak ${r.freshClone!.peakMemoryMiB?.toFixed(0) ?? '—'} MiB; diagrams: ${r.freshClone!.diagrams}.`,
  )
  .join('\n')}

## Output

| N | dist/ | search index | offline zip | PDF time per protocol |
| --- | --- | --- | --- | --- |
${runs.map((r) => `| ${r.n} | ${kb(r.distBytes)} | ${kb(r.searchIndexBytes)} | ${kb(r.zipBytes)} | ${r.pdfSecondsEach !== null ? `${r.pdfSecondsEach.toFixed(2)} s` : 'not built'} |`).join('\n')}

## A content page (a synthetic protocol), loaded up front

| | raw | gzip |
| --- | --- | --- |
| HTML | ${kb(content.page.html.raw)} | ${kb(content.page.html.gzip)} |
| JS (inline: theme, and the search and run-mode bootstraps; search and run mode load on first use) | ${content.page.js.raw} B | ${content.page.js.gzip} B |
| CSS | ${kb(content.page.css.raw)} | ${kb(content.page.css.gzip)} |

## Against Starlight

${starlightIntro}

| figure | Starlight, this run | Starlight, reference figure | this site | ahead |
| --- | --- | --- | --- | --- |
${starlightRows.map(([name, measured, reference, ours, ahead]) => `| ${name} | ${measured} | ${reference} | ${ours} | ${ahead === null ? '—' : ahead ? 'yes' : '**no**'} |`).join('\n')}

${qualitySection}

${analysis}

## Budgets

| budget | limit | measured | met |
| --- | --- | --- | --- |
${budgetRows.map(([name, limit, value, ok]) => `| ${name} | ${limit} | ${value} | ${ok ? 'yes' : '**no**'} |`).join('\n')}
`;
writeFileSync(join(root, 'BENCHMARKS.md'), md);
console.log(md);
if (failures.length > 0) {
  console.error(`[bench] over budget:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
