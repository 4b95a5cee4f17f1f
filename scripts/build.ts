/**
 * `npm run build`: Astro, then the post-build steps, into a staging folder
 * that replaces `dist/` only when every step succeeded. A failed build
 * leaves the previous site complete and untouched.
 *
 * Environment: SITE_OUT_DIR (default dist), SITE_CONTENT_DIR (default content).
 */
// Only light modules here: Astro, the longest step, starts before the rest of the build's code is loaded (0.7 s of imports).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASTRO_NODE_FLAGS } from './lib/astro-node-flags.ts';
import { timed } from './lib/log.ts';
import { SITE_NAME, SITE_URL } from './lib/site-name.ts';
import { lockDiagramCache, unlockDiagramCache } from '../src/markdown/diagram-cache.ts';
import type { Paper } from './pdf-export.ts';
import type { SiteFiles } from './check/link-check.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.env.SITE_OUT_DIR ?? 'dist');
const contentDir = resolve(root, process.env.SITE_CONTENT_DIR ?? 'content');
const staging = join(dirname(outDir), `.${process.pid}.staging-${basename(outDir)}`);

function basename(path: string): string {
  return path.split(/[\\/]/).pop()!;
}

/**
 * Runs `astro build`, echoing its output. Astro logs some content errors
 * (a broken `reference()`, for one) as `[ERROR]` and still exits 0; such a
 * build is a failure here.
 */
let astroProcess: ReturnType<typeof spawn> | undefined;
const astroCli = join(dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'bin/astro.mjs');

function astroBuild(): Promise<void> {
  return new Promise((done, fail) => {
    // Astro's own CLI, not the scripts/astro.ts wrapper: killing this process must stop Astro itself.
    const child = (astroProcess = spawn(process.execPath, [...ASTRO_NODE_FLAGS, astroCli, 'build'], {
      cwd: root,
      env: { ...process.env, SITE_OUT_DIR: staging, ASTRO_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let sawError = false;
    const watch = (chunk: Buffer, sink: NodeJS.WriteStream) => {
      const text = chunk.toString();
      if (/\[ERROR\]/.test(text)) sawError = true;
      sink.write(text);
    };
    child.stdout.on('data', (c: Buffer) => watch(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => watch(c, process.stderr));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) fail(new Error(`astro build failed (exit code ${code}); see the messages above.`));
      else if (sawError) fail(new Error('astro build logged [ERROR] (see above) although it exited 0; treating the build as failed.'));
      else done();
    });
  });
}

/**
 * PDFs need a browser. Without one, `npm run build` fails with one line on how
 * to provide it; `npm start` (SITE_PDF=optional) builds the rest and says so.
 */
async function pdfStep(): Promise<void> {
  if (process.env.SITE_PDF === 'skip') {
    console.log('[pdf] skipped (SITE_PDF=skip)');
    return;
  }
  const paper: Paper = process.env.SITE_PDF_PAPER?.toLowerCase() === 'letter' ? 'Letter' : 'A4';
  // Loaded here: the browser driver and the PDF library cost 0.4 s of imports that a build without PDFs does not need.
  const pdf = await import('./pdf-export.ts');
  try {
    const report = await pdf.exportPdfs({ siteDir: staging, siteName: SITE_NAME, paper });
    for (const f of report.files) console.log(`[pdf] ${f.file}: ${f.pages} pages, ${(f.bytes / 1024).toFixed(0)} KB, ${(f.ms / 1000).toFixed(2)} s`);
  } catch (error) {
    if (error instanceof pdf.BrowserMissingError && process.env.SITE_PDF === 'optional') {
      console.warn(`[pdf] skipped: ${error.message} The site is built without PDFs.`);
      return;
    }
    throw error;
  }
}

async function bundleStep(searchReady: Promise<unknown>): Promise<void> {
  const buildDate = (process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date()).toISOString().slice(0, 10);
  const report = await offline.buildOfflineBundle({ siteDir: staging, contentDir, publicUrl: SITE_URL, buildDate, searchReady });
  await offline.annotateBundleLink(staging, report, buildDate);
  console.log(
    `[bundle] ${report.files} files, ${(report.unzippedBytes / 1024).toFixed(0)} KB unzipped, ${(report.zipBytes / 1024).toFixed(0)} KB zipped, content version ${report.contentVersion}`,
  );
}

/** The content checks of `npm run check`, so a build never starts on content with errors. */
async function contentChecks(): Promise<void> {
  // Diagrams are parsed by Astro's diagram plugin, in the build's one browser session.
  const findings = await checkContent(contentDir, { cwd: root, diagrams: false });
  for (const f of findings) console.error(formatFinding(f));
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (errors > 0) throw new Error(`${errors} content error${errors === 1 ? '' : 's'} (listed above as file:line:col  rule-id  message).`);
}

/** Every link, anchor and asset of the site and of the offline bundle must resolve. */
async function linkCheck(): Promise<void> {
  const site = new Map<string, Uint8Array>();
  for (const entry of readdirSync(staging, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) site.set(relative(staging, join(entry.parentPath, entry.name)).split(sep).join('/'), readFileSync(join(entry.parentPath, entry.name)));
  }
  const zipPath = [...site.keys()].find((p) => p.startsWith('downloads/') && p.endsWith('.zip'));
  const bundle: SiteFiles = new Map(
    Object.entries(unzipSync(site.get(zipPath!)!))
      .filter(([name]) => !name.endsWith('/'))
      .map(([name, data]) => [name.slice(name.indexOf('/') + 1), data]),
  );
  const [onSite, inBundle] = [checkLinks(site, 'site'), checkLinks(bundle, 'bundle')];
  const broken = [...onSite.broken, ...inBundle.broken.map((b) => `offline bundle: ${b}`)];
  const pages = [...site.keys(), ...bundle.keys()].filter((p) => p.endsWith('.html')).length;
  if (broken.length > 0) throw new Error(`${broken.length} broken link${broken.length === 1 ? '' : 's'}:\n  ${broken.join('\n  ')}`);
  console.log(`[links] ${onSite.checked + inBundle.checked} links on ${pages} pages (site and offline bundle): all resolve`);
}

/**
 * Lowers this process's CPU priority while Astro runs beside it, and raises it
 * again after (which an unprivileged user may not do; the rest of the build then
 * simply runs at the lower priority).
 */
function yieldCpu(on: boolean): void {
  try {
    setPriority(on ? 10 : 0);
  } catch {
    // Not allowed here: priorities are a speed-up, never a requirement.
  }
}

async function swapIn(): Promise<void> {
  const old = `${staging}.old`;
  if (existsSync(outDir)) await rename(outDir, old);
  await rename(staging, outDir);
  await rm(old, { recursive: true, force: true });
}

// The build's steps, loaded once Astro is running.
let checkContent!: typeof import('./check/content-checks.ts').checkContent;
let formatFinding!: typeof import('./check/report.ts').formatFinding;
let buildSearchIndex!: typeof import('./search-index.ts').buildSearchIndex;
let bundleClientScripts!: typeof import('./client-bundles.ts').bundleClientScripts;
let annotatePdfLinks!: typeof import('./pdf-links.ts').annotatePdfLinks;
let offline!: typeof import('./offline-bundle.ts');
let checkLinks!: typeof import('./check/link-check.ts').checkLinks;
let writeSecurityHeaders!: typeof import('./security-headers.ts').writeSecurityHeaders;
let unzipSync!: typeof import('fflate').unzipSync;

async function loadSteps(): Promise<void> {
  const [checks, report, search, client, pdfLinks, bundle, links, headers, fflate] = await Promise.all([
    import('./check/content-checks.ts'),
    import('./check/report.ts'),
    import('./search-index.ts'),
    import('./client-bundles.ts'),
    import('./pdf-links.ts'),
    import('./offline-bundle.ts'),
    import('./check/link-check.ts'),
    import('./security-headers.ts'),
    import('fflate'),
  ]);
  ({ checkContent } = checks);
  ({ formatFinding } = report);
  ({ buildSearchIndex } = search);
  ({ bundleClientScripts } = client);
  ({ annotatePdfLinks } = pdfLinks);
  offline = bundle;
  ({ checkLinks } = links);
  ({ writeSecurityHeaders } = headers);
  ({ unzipSync } = fflate);
}

const started = performance.now();
/** Steps started in the background, waited for before a failed build cleans up. */
const pending: Promise<unknown>[] = [];
try {
  await mkdir(dirname(outDir), { recursive: true });
  await rm(staging, { recursive: true, force: true });
  // The content checks and Astro run side by side (two cores); errors in the content stop Astro at once.
  const diagramCache = resolve(root, process.env.SITE_DIAGRAM_CACHE ?? '.diagram-cache');
  lockDiagramCache(diagramCache);
  process.on('exit', () => unlockDiagramCache(diagramCache));
  const astroStarted = performance.now();
  const astro = astroBuild();
  pending.push(astro);
  astro.catch(() => undefined);
  // Astro is the longest step: the checks and the diagram browser (started from here, so it inherits this) yield the CPU to it.
  yieldCpu(true);
  // New diagrams first: pages that show one wait for its render, so the browser starts before the other steps load.
  const { prerenderDiagrams } = await import('./diagram-prerender.ts');
  const diagrams = prerenderDiagrams(contentDir, diagramCache, root);
  // Not waited for on failure: the lock goes with this process (the exit handler), and Playwright closes its browser.
  diagrams.catch(() => undefined);
  await loadSteps();
  await timed('content checks', async () => {
    const [diagramReport] = await Promise.all([diagrams, contentChecks()]);
    if (diagramReport.rendered > 0) console.log(`[diagrams] ${diagramReport.rendered} rendered ahead of Astro, in one browser session`);
    if (diagramReport.findings.length > 0) {
      for (const f of diagramReport.findings) console.error(formatFinding(f));
      throw new Error(`${diagramReport.findings.length} diagram${diagramReport.findings.length === 1 ? '' : 's'} could not be parsed (listed above).`);
    }
  }).catch((error: unknown) => {
    astroProcess?.kill();
    throw error;
  });
  await astro;
  yieldCpu(false);
  console.log(`[build] astro: ${((performance.now() - astroStarted) / 1000).toFixed(2)} s`);
  // Pagefind indexes in its own process while the PDFs print: what the PDF-link step rewrites is ignored by search, and it replaces
  // each page whole.
  await timed('client scripts', () => bundleClientScripts(staging, root));
  const search = timed('search index', () => buildSearchIndex(staging, contentDir, root));
  pending.push(search);
  search.catch(() => undefined);
  await timed('pdf export', pdfStep);
  await timed('pdf links', () => annotatePdfLinks(staging));
  await timed('offline bundle', () => bundleStep(search));
  await timed('link check', linkCheck);
  await timed('security headers', () => writeSecurityHeaders(staging));
  await timed('swap into place', swapIn);
  console.log(`[build] done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${outDir}`);
} catch (error) {
  // Stop Astro if it still runs, and let the other steps in the background settle before their folder goes.
  astroProcess?.kill();
  await Promise.allSettled(pending);
  await rm(staging, { recursive: true, force: true });
  console.error(`\n[build] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`[build] ${existsSync(outDir) ? `the previous site in ${outDir} is unchanged.` : 'nothing was written.'}`);
  process.exit(1);
}
