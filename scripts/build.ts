/**
 * `npm run build`: the content checks beside Astro, whose build writes the
 * whole site (its integrations add search, PDFs, the offline bundle, the link
 * check and the security headers), into a staging folder that replaces
 * `dist/` only when everything succeeded. A failed build leaves the previous
 * site complete and untouched.
 *
 * Another center: `npm run build -- --content <dir>` (or SITE_CONTENT_DIR=<dir>).
 * Environment: SITE_OUT_DIR (default dist), SITE_CONTENT_DIR (default content).
 */
// Only light modules here: Astro, the longest step, starts before the rest of the build's code is loaded (0.7 s of imports).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASTRO_NODE_FLAGS } from './lib/astro-node-flags.ts';
import { pruneCompileCache, useCompileCache } from './lib/compile-cache.ts';
import { timed } from './lib/log.ts';
import { contentArg } from './lib/content-arg.ts';
import { alive, astroTurn } from './lib/astro-turn.ts';
import { siteConfigProblems } from '../src/lib/site-config.ts';
import { CONTENT_FILES } from '../src/content-model.ts';
import { formatFinding, type Finding } from './check/report.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Node's compile cache for this process and the ones it starts (scripts/lib/compile-cache.ts). */
const compileCache = useCompileCache(root);
const outDir = resolve(root, process.env.SITE_OUT_DIR ?? 'dist');
const { contentDir } = contentArg(process.argv.slice(2), root);
const staging = join(dirname(outDir), `.${process.pid}.staging-${basename(outDir)}`);
/**
 * Where Astro writes, the same folder for every build of this output: Astro keeps its content store (each body's rendered HTML)
 * only while its settings are unchanged, the output folder among them. Builds take turns with Astro (astroTurn), and each moves
 * this folder to its own staging folder before giving the turn back.
 */
const astroOut = join(dirname(outDir), `.astro.staging-${basename(outDir)}`);
/** Where the outputs integration writes why a step failed (src/integrations/outputs.ts), for one clear line here. */
const stepFailure = `${staging}.failure`;

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
/** Stops that Astro process when this script is killed outright (scripts/lib/end-with-parent.ts). */
const endWithParent = new URL('./lib/end-with-parent.ts', import.meta.url).href;
/** Starts the renders of the diagrams the cache lacks while Astro loads (scripts/lib/diagrams-ahead.ts). */
const diagramsAhead = new URL('./lib/diagrams-ahead.ts', import.meta.url).href;
/**
 * Astro's output is held back while the content checks run beside it: when they fail, Astro fails on the same
 * content with a stack trace of its own, and the author should read only the checks' `file:line:col` lines.
 */
let heldOutput: { text: string; sink: NodeJS.WriteStream }[] | undefined = [];
let checksFailed = false;
function releaseAstroOutput(show: boolean): void {
  if (show) for (const { text, sink } of heldOutput ?? []) sink.write(text);
  heldOutput = undefined;
}

let astroDone: () => void = () => undefined;

async function astroBuild(): Promise<void> {
  astroDone = await astroTurn(root, () => checksFailed);
  if (checksFailed) return astroDone();
  // Left by a build that was killed while it held the turn.
  rmSync(astroOut, { recursive: true, force: true });
  return new Promise((done, fail) => {
    // Astro's own CLI, not the scripts/astro.ts wrapper: killing this process must stop Astro itself.
    const child = (astroProcess = spawn(process.execPath, [...ASTRO_NODE_FLAGS, '--import', endWithParent, '--import', diagramsAhead, astroCli, 'build'], {
      cwd: root,
      env: { ...process.env, SITE_OUT_DIR: astroOut, SITE_STEP_FAILURE_FILE: stepFailure, ASTRO_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let sawError = false;
    let contentWarning: string | undefined;
    const watch = (chunk: Buffer, sink: NodeJS.WriteStream) => {
      const text = chunk.toString();
      if (/\[ERROR\]/.test(text)) sawError = true;
      // The content layer warns, and builds on, when it drops an entry (a duplicate id, say): lost content is an error here.
      contentWarning ??= /^.*\[WARN\] \[(?:glob-loader|file-loader|mdx-html|content)\].*$/m.exec(text)?.[0];
      if (heldOutput) heldOutput.push({ text, sink });
      else if (!checksFailed) sink.write(text);
    };
    child.stdout.on('data', (c: Buffer) => watch(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => watch(c, process.stderr));
    child.on('error', fail);
    child.on('close', (code) => {
      // The output becomes this build's own before another build may start Astro.
      try {
        if (code === 0 && existsSync(astroOut)) renameSync(astroOut, staging);
        else rmSync(astroOut, { recursive: true, force: true });
      } finally {
        astroDone();
      }
      if (code !== 0 && existsSync(stepFailure)) fail(new Error(readFileSync(stepFailure, 'utf8')));
      else if (code !== 0) fail(new Error(`astro build failed (exit code ${code}); see the messages above.`));
      else if (sawError) fail(new Error('astro build logged [ERROR] (see above) although it exited 0; treating the build as failed.'));
      else if (contentWarning) fail(new Error(`Astro warned about the content, which means an entry may be missing from the site: ${contentWarning.trim()}`));
      else done();
    });
  });
}

/** The content checks of `npm run check`, so a build never starts on content with errors. */
async function contentChecks(): Promise<void> {
  // Diagrams are parsed by Astro's diagram plugin, in the build's one browser session.
  const findings = await checkContent(contentDir, { cwd: root, diagrams: false });
  for (const f of findings) console.error(formatFinding(f));
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (errors > 0) throw new Error(`${errors} content error${errors === 1 ? '' : 's'} (listed above as file:line:col  rule-id  message).`);
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

// The content checks, loaded once Astro is running.
let checkContent!: typeof import('./check/content-checks.ts').checkContent;

async function loadSteps(): Promise<void> {
  ({ checkContent } = await import('./check/content-checks.ts'));
}

/**
 * What every center needs before anything starts: a folder with a valid site.yaml and a references.yaml.
 * Each problem is one line naming the file, line and field, instead of a stack trace from deep inside Astro.
 */
function preflight(): void {
  if (!existsSync(contentDir))
    fail(`the content folder ${contentDir} does not exist. Give a center's folder with --content <dir>, or start one with npm run new -- center <dir> "Name".`);
  const findings: Finding[] = siteConfigProblems(contentDir, root).map((p) => ({
    ...p,
    rule: 'site-config',
    severity: 'error',
    hint: 'See "site.yaml" in CONTRIBUTING.md for the fields.',
  }));
  const references = join(contentDir, CONTENT_FILES.references);
  if (!existsSync(references))
    findings.push({
      file: relative(root, references),
      line: 1,
      column: 1,
      rule: 'missing-file',
      severity: 'error',
      message: 'references.yaml is missing: every center needs its reference list.',
      hint: 'Write "[]" in it for a center that cites nothing yet.',
    });
  if (findings.length > 0) fail(findings.map(formatFinding).join('\n'));
}

function fail(message: string): never {
  console.error(
    `${message}\n\n[build] FAILED before starting. ${existsSync(outDir) ? `The previous site in ${outDir} is unchanged.` : 'Nothing was written.'}`,
  );
  process.exit(1);
}

/** Staging folders of builds that were killed (kill -9, a power cut) are removed; a build still running keeps its own. */
async function removeAbandonedStaging(): Promise<void> {
  const parent = dirname(outDir);
  if (!existsSync(parent)) return;
  const pattern = new RegExp(`^\\.(\\d+)\\.staging-${basename(outDir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.old|\\.failure)?$`);
  for (const name of readdirSync(parent)) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    await rm(join(parent, name), { recursive: true, force: true });
    console.log(`[build] removed ${name}, left by a build that did not finish`);
  }
}

preflight();
await removeAbandonedStaging();
const started = performance.now();
/** Steps started in the background, waited for before a failed build cleans up. */
const pending: Promise<unknown>[] = [];
try {
  await mkdir(dirname(outDir), { recursive: true });
  await rm(staging, { recursive: true, force: true });
  // The content checks and Astro run side by side (two cores); errors in the content stop Astro at once. Astro's diagrams
  // integration renders new diagrams in its own process while it boots (src/markdown/diagram-render.ts).
  const astroStarted = performance.now();
  const astro = astroBuild();
  pending.push(astro);
  astro.catch(() => undefined);
  // Astro is the longest step: the checks yield the CPU to it.
  yieldCpu(true);
  await loadSteps();
  await timed('content checks', contentChecks).catch((error: unknown) => {
    checksFailed = true;
    releaseAstroOutput(false);
    astroProcess?.kill();
    throw error;
  });
  releaseAstroOutput(true);
  await astro;
  yieldCpu(false);
  // Astro's build includes the outputs beyond the pages (src/integrations/outputs.ts): search, PDFs, bundle, link check, headers.
  console.log(`[build] astro: ${((performance.now() - astroStarted) / 1000).toFixed(2)} s`);
  await timed('swap into place', swapIn);
  console.log(`[build] done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${outDir}`);
  if (pruneCompileCache(compileCache)) console.log(`[build] Node's compile cache outgrew its budget and was emptied: ${compileCache}`);
} catch (error) {
  // Stop Astro if it still runs, and let the other steps in the background settle before their folder goes.
  astroProcess?.kill();
  await Promise.allSettled(pending);
  await rm(staging, { recursive: true, force: true });
  await rm(stepFailure, { force: true });
  console.error(`\n[build] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`[build] ${existsSync(outDir) ? `the previous site in ${outDir} is unchanged.` : 'nothing was written.'}`);
  process.exit(1);
}
