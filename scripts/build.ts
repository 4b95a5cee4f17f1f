/**
 * `npm run build`: the content checks beside Astro, whose build writes the
 * whole site (its integrations add search, PDFs, the offline bundle, the link
 * check and the security headers), into a staging folder that replaces
 * `dist/` only when everything succeeded. A failed build leaves the previous
 * site complete and untouched.
 *
 * Another center: `npm run build -- --content <dir>` (or SITE_CONTENT_DIR=<dir>).
 * `npm run build -- --watch` builds, then builds again whenever a file of the center changes, with Astro kept loaded in
 * between (scripts/lib/astro-watch-runner.ts); Ctrl+C stops it.
 * Environment: SITE_OUT_DIR (default dist), SITE_CONTENT_DIR (default content).
 */
// Only light modules here: Astro, the longest step, starts before the rest of the build's code is loaded (0.7 s of imports).
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, watch as watchFiles } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ASTRO_NODE_FLAGS } from './lib/astro-node-flags.ts';
import { pruneCompileCache, useCompileCache } from './lib/compile-cache.ts';
import { useResolveCache } from './lib/resolve-cache.ts';
import { timed } from './lib/log.ts';
import { contentArg } from './lib/content-arg.ts';
import { alive, astroTurn } from './lib/astro-turn.ts';
import { noteAndPruneAstroCaches } from './lib/astro-caches.ts';
import { centerAstroCache } from '../src/lib/paths.ts';
import { endWatcher, RunnerGrowth } from './lib/astro-watch-protocol.ts';
import { PARENT_PID_ENV } from './lib/parent-pid.ts';
import { siteConfigProblems } from '../src/lib/site-config.ts';
import { CONTENT_FILES, DIAGRAM_CACHE_FOLDER, isEditorScratch, MDX_COLLECTIONS } from '../src/content-model.ts';
import { formatFinding, type Finding } from './check/report.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Node's compile cache for this process and the ones it starts (scripts/lib/compile-cache.ts). */
const compileCache = useCompileCache(root);
// And their module resolutions into node_modules (scripts/lib/resolve-cache.ts).
useResolveCache();
const outDir = resolve(root, process.env.SITE_OUT_DIR ?? 'dist');
const { contentDir, rest: args } = contentArg(process.argv.slice(2), root);
const watching = args.includes('--watch');
/** Builds write new diagram renders here: --watch does not take them for an author's change. */
const diagramCache = resolve(root, process.env.SITE_DIAGRAM_CACHE ?? join(contentDir, DIAGRAM_CACHE_FOLDER));
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
let astroProcess: ChildProcessByStdio<Writable | null, Readable, Readable> | undefined;
const astroCli = join(dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'bin/astro.mjs');
/** Stops that Astro process when this script is killed outright (scripts/lib/end-with-parent.ts). */
const endWithParent = new URL('./lib/end-with-parent.ts', import.meta.url).href;
/** Starts the renders of the diagrams the cache lacks while Astro loads (scripts/lib/diagrams-ahead.ts). */
const diagramsAhead = new URL('./lib/diagrams-ahead.ts', import.meta.url).href;
/**
 * Starts the output steps, and the printing browser when the build prints, while Astro loads (scripts/lib/steps-ahead.ts): a
 * one-off build only; the watch's runner starts its builds' steps itself, the first before its first build and each next one when
 * the build before it ends.
 */
const stepsAhead = new URL('./lib/steps-ahead.ts', import.meta.url).href;
/** With --watch: Astro kept loaded between builds, one build per request (scripts/lib/astro-watch-runner.ts). */
const watchRunner = fileURLToPath(new URL('./lib/astro-watch-runner.ts', import.meta.url));
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
/** Whether Astro is building now (with --watch, the runner stays between builds). */
let astroBusy = false;
/** With --watch: stopping (Ctrl+C); a build still running then never swaps its output in. */
let stopping = false;

/** Astro's process: one `astro build`, or with --watch the runner, started once and asked for each build. */
function startAstro(): NonNullable<typeof astroProcess> {
  const env = { ...process.env, SITE_OUT_DIR: astroOut, SITE_STEP_FAILURE_FILE: stepFailure, ASTRO_TELEMETRY_DISABLED: '1', [PARENT_PID_ENV]: String(process.pid) };
  // The diagrams' renders first: a cold build's pages wait for them, and the steps' process is started within 30 ms after.
  const flags = [...ASTRO_NODE_FLAGS, '--import', endWithParent, '--import', diagramsAhead, ...(watching ? [] : ['--import', stepsAhead])];
  // Astro's own CLI, not the scripts/astro.ts wrapper: killing this process must stop Astro itself.
  if (!watching) return spawn(process.execPath, [...flags, astroCli, 'build'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The runner keeps its diagram browser between builds (src/markdown/diagram-render.ts): an edited diagram renders at once.
  const runner = spawn(process.execPath, [...flags, watchRunner], {
    cwd: root,
    env: { ...env, SITE_DIAGRAM_BROWSER: 'keep' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A runner gone between builds: the request cannot be written, and its 'close' fails the build that asked.
  runner.stdin.on('error', () => undefined);
  runners.add(runner);
  runner.once('exit', () => {
    runners.delete(runner);
    if (astroProcess === runner) astroProcess = undefined;
  });
  return runner;
}

/**
 * With --watch: the runners not yet exited, the one building and any replaced (site.yaml changed, or grown) that are still
 * closing their browser and ending their steps: stopping the watch waits for them all.
 */
const runners = new Set<ChildProcess>();
/** The runners stopped and exited, or killed outright when one takes longer than `graceMs` to close what it holds. */
async function stopRunners(graceMs = 15_000): Promise<void> {
  await Promise.all(
    [...runners].map((runner) => {
      const exited = new Promise((r) => runner.once('exit', r));
      if (!runner.killed) runner.kill();
      const cutOff = setTimeout(() => runner.kill('SIGKILL'), graceMs);
      return exited.finally(() => clearTimeout(cutOff));
    }),
  );
}

/** How much each runner has grown since its first build. */
const runnerGrowth = new WeakMap<object, RunnerGrowth>();
/**
 * With --watch: a runner that has grown by half since its first build (scripts/lib/astro-watch-protocol.ts) is replaced by a new
 * one at once, which loads Astro while the author edits; the next build is slower by Astro's own start (about half a second).
 */
function recycleIfGrown(runner: NonNullable<typeof astroProcess>, rss: number): void {
  const growth = runnerGrowth.get(runner) ?? new RunnerGrowth();
  runnerGrowth.set(runner, growth);
  if (!growth.ended(rss) || astroProcess !== runner) return;
  runner.kill();
  astroProcess = startAstro();
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  console.log(`[build] Astro's process grew from ${mib(growth.firstRss)} to ${mib(rss)} MiB in ${growth.builds} builds: a new one takes over`);
}

async function astroBuild(): Promise<void> {
  astroDone = await astroTurn(root, () => checksFailed);
  if (checksFailed) return astroDone();
  // Left by a build that was killed while it held the turn.
  rmSync(astroOut, { recursive: true, force: true });
  return new Promise((done, fail) => {
    const child = (astroProcess ??= startAstro());
    let sawError = false;
    let contentWarning: string | undefined;
    const show = (text: string, sink: NodeJS.WriteStream) => {
      if (/\[ERROR\]/.test(text)) sawError = true;
      // The content layer warns, and builds on, when it drops an entry (a duplicate id, say): lost content is an error here.
      contentWarning ??= /^.*\[WARN\] \[(?:glob-loader|file-loader|mdx-html|content)\].*$/m.exec(text)?.[0];
      if (heldOutput) heldOutput.push({ text, sink });
      else if (!checksFailed) sink.write(text);
    };
    let settled = false;
    astroBusy = true;
    const ended = (code: number | null) => {
      if (settled) return;
      settled = true;
      astroBusy = false;
      child.stdout.off('data', onStdout);
      child.stderr.off('data', onStderr);
      child.off('close', ended);
      child.off('error', fail);
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
    };
    // The runner's build has ended when both of its streams say so; a one-off `astro build` when its process has.
    const ends: number[] = [];
    const endOf = (code: number, rss: number) => {
      ends.push(code);
      if (ends.length < 2) return;
      ended(Math.max(...ends));
      recycleIfGrown(child, rss);
    };
    const onStdout = watching ? endWatcher((text) => show(text, process.stdout), endOf) : (c: Buffer) => show(c.toString(), process.stdout);
    const onStderr = watching ? endWatcher((text) => show(text, process.stderr), endOf) : (c: Buffer) => show(c.toString(), process.stderr);
    child.stdout.on('data', onStdout);
    child.stderr.on('data', onStderr);
    child.on('error', fail);
    child.on('close', ended);
    child.stdin?.write('build\n');
  });
}

/** The content checks of `npm run check`, so a build never starts on content with errors. */
async function contentChecks(): Promise<void> {
  // Diagrams are parsed by Astro's diagram plugin, in the build's one browser session.
  // With --watch, the bodies parsed by the last checks are kept for the next: most have not changed.
  if (watching) parsedBodies ??= new ParsedBodies();
  const findings = await checkContent(contentDir, { cwd: root, diagrams: false, bodies: parsedBodies });
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
let ParsedBodies!: typeof import('./check/content-checks.ts').ParsedBodies;
let parsedBodies: InstanceType<typeof ParsedBodies> | undefined;

async function loadSteps(): Promise<void> {
  ({ checkContent, ParsedBodies } = await import('./check/content-checks.ts'));
}

/**
 * What every center needs before anything starts: a folder with a valid site.yaml and a references.yaml.
 * Each problem is one line naming the file, line and field, instead of a stack trace from deep inside Astro.
 */
function preflight(): string | undefined {
  if (!existsSync(contentDir))
    return `the content folder ${contentDir} does not exist. Give a center's folder with --content <dir>, or start one with npm run new -- center <dir> "Name".`;
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
  return findings.length > 0 ? findings.map(formatFinding).join('\n') : undefined;
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

/** One whole build, checks included, swapped into place on success. Returns whether it succeeded; the reasons are printed. */
async function buildOnce(): Promise<boolean> {
  const problems = preflight();
  if (problems) {
    console.error(
      `${problems}\n\n[build] FAILED before starting. ${existsSync(outDir) ? `The previous site in ${outDir} is unchanged.` : 'Nothing was written.'}`,
    );
    return false;
  }
  const started = performance.now();
  heldOutput = [];
  checksFailed = false;
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
      // With --watch, a new runner loads Astro while the author fixes the content.
      if (watching && !stopping) astroProcess = startAstro();
      throw error;
    });
    releaseAstroOutput(true);
    await astro;
    yieldCpu(false);
    // Astro's build includes the outputs beyond the pages (src/integrations/outputs.ts): search, PDFs, bundle, link check, headers.
    console.log(`[build] astro: ${((performance.now() - astroStarted) / 1000).toFixed(2)} s`);
    if (stopping) throw new Error('stopped before the new site was put in place.');
    await timed('swap into place', swapIn);
    console.log(`[build] done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${outDir}`);
    if (pruneCompileCache(compileCache)) console.log(`[build] Node's compile cache outgrew its budget and was emptied: ${compileCache}`);
    return true;
  } catch (error) {
    yieldCpu(false);
    // Stop Astro if it still builds (a runner between builds is kept), and let the other steps in the background settle before
    // their folder goes.
    if (!watching || astroBusy) astroProcess?.kill();
    await Promise.allSettled(pending);
    await rm(staging, { recursive: true, force: true });
    await rm(stepFailure, { force: true });
    console.error(`\n[build] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`[build] ${existsSync(outDir) ? `the previous site in ${outDir} is unchanged.` : 'nothing was written.'}`);
    return false;
  }
}

/**
 * --watch: builds again when a file of the center changes (a quiet tenth of a second after the last change; changes made during
 * a build start one more after it). The runner is kept only when nothing but entries changed (the MDX files of the collections'
 * folders), which Astro's content layer syncs again as its dev server does. Any other file of the center (site.yaml,
 * references.yaml, vocabulary.yaml, a protocol's versions) starts Astro afresh for the next build: modules loaded once in the
 * runner read them once (the config reads site.yaml when Astro loads it; the body renderer's key covers the references). A
 * change to the generator's own files (src/, public/, astro.config.mjs, scripts/, the lockfile) ends the watch with a line
 * saying so: this script and the content checks are loaded once too. The diagram cache is not watched: builds write to it.
 */
async function watchAndBuild(): Promise<never> {
  /**
   * Editors' temporary and backup files (content-model.ts), folders no build reads, and the file vim writes for a moment to test
   * a folder before it saves (`4913`, or 4913 plus a multiple of 123 when that one exists): otherwise each save from vim or
   * JetBrains would count as a change to a file other than an entry, and start Astro afresh.
   */
  const ignored = (path: string) => {
    const parts = path.split(/[\\/]/);
    return parts.some((part) => part === '.git' || part === 'node_modules' || isEditorScratch(part)) || /^\d+$/.test(parts.at(-1) ?? '');
  };
  const changed = new Set<string>();
  let events = 0;
  let freshAstro = false;
  let codeChanged: string | undefined;
  let wake: () => void = () => undefined;
  const note = (path: string, fresh: boolean) => {
    changed.add(relative(root, path) || path);
    events++;
    freshAstro ||= fresh;
    wake();
  };
  const entryFolders = new Set<string>(Object.values(MDX_COLLECTIONS).map((c) => c.folder));
  /** An entry: an MDX file right in a collection's folder (content-model.ts, ENTRY_GLOB). */
  const isEntry = (name: string) => {
    const parts = name.split(/[\\/]/);
    return parts.length === 2 && entryFolders.has(parts[0]!) && parts[1]!.endsWith('.mdx');
  };
  const code = (path: string) => {
    codeChanged ??= relative(root, path);
    wake();
  };
  const watchers = [
    watchFiles(contentDir, { recursive: true }, (_, name) => {
      const path = name && resolve(contentDir, name);
      if (path && !ignored(name) && path !== diagramCache && !path.startsWith(diagramCache + sep)) note(path, !isEntry(name));
    }),
    ...['src', 'public', 'scripts']
      .filter((d) => existsSync(join(root, d)))
      .map((d) => watchFiles(join(root, d), { recursive: true }, (_, name) => name && !ignored(name) && code(join(root, d, name)))),
    watchFiles(root, (_, name) => (name === 'astro.config.mjs' || name === 'package-lock.json') && code(join(root, name))),
  ];
  let building: Promise<boolean> | undefined;
  const stop = async (exitCode = 0) => {
    stopping = true;
    for (const w of watchers) w.close();
    // A build in progress stops with Astro, and never swaps in; then its staging folder goes.
    astroProcess?.kill();
    await building;
    // The runners, and the steps and browsers they hold, have ended before the watch does: nothing of it writes on after it.
    await stopRunners();
    await rm(staging, { recursive: true, force: true });
    await rm(stepFailure, { force: true });
    console.log('\n[build] stopped watching');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // A watched folder removed or moved away: nothing more would be seen, so the watch ends and says why.
  for (const w of watchers)
    w.on('error', (error) => {
      console.error(`[build] cannot watch on: ${error.message}`);
      void stop(1);
    });
  const build = () => (building = buildOnce()).finally(() => (building = undefined));
  await build();
  for (;;) {
    if (!codeChanged) {
      console.log(`[build] watching ${relative(root, contentDir) || contentDir} for changes (Ctrl+C to stop)`);
      if (changed.size === 0) await new Promise<void>((woken) => (wake = woken));
      wake = () => undefined;
    }
    if (codeChanged) {
      console.log(`\n[build] the generator's own code changed (${codeChanged}): start \`npm run build -- --watch\` again to build with it.`);
      await stop(0);
    }
    // Quiet for a tenth of a second: an editor's save, or a folder copied in, is one build.
    for (let seen = -1; seen !== events;) {
      seen = events;
      await new Promise((r) => setTimeout(r, 100));
    }
    const files = [...changed].sort();
    changed.clear();
    const fresh = freshAstro;
    if (freshAstro) {
      freshAstro = false;
      astroProcess?.kill();
      astroProcess = undefined;
    }
    console.log(
      `\n[build] changed: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ` and ${files.length - 3} more` : ''}; building again${fresh ? ', with Astro started afresh' : ''}`,
    );
    await build();
    if (!existsSync(contentDir)) {
      console.error(`[build] ${contentDir} is gone: nothing left to watch.`);
      await stop(1);
    }
  }
}

await removeAbandonedStaging();
// Astro's cache of this center (a folder of its own, unless SITE_CACHE_DIR names one), and those of centers whose folders are gone.
if (!process.env.SITE_CACHE_DIR) {
  const gone = noteAndPruneAstroCaches(resolve(root, centerAstroCache(contentDir)), contentDir);
  if (gone.length > 0) console.log(`[build] removed Astro's cache of ${gone.length} center(s) whose folders are gone: ${gone.join(', ')}`);
}
if (watching) await watchAndBuild();
else if (!(await buildOnce())) process.exit(1);
