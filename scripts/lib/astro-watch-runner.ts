/**
 * Astro kept loaded between builds, for `npm run build -- --watch` (scripts/build.ts). Each line `build` on stdin runs one
 * `astro build` in this process (Astro's own `build()`, as its command line calls it), and its end is written to stdout and to
 * stderr as one line {@link BUILD_ENDED} followed by the exit code a one-off `astro build` would have and the process's resident
 * memory in bytes: the build's script reads every line of the build on both streams before it takes the build as ended. The
 * process ends when stdin closes.
 *
 * What this saves on each build after the first: Node's start and the loading of Astro, Vite and the Markdown pipeline (about
 * 1.3 s on two cores), the rendering of the pages of entries that did not change (src/build/page-reuse.ts), and the loading of
 * the output steps' process, started for the next build when one ends (next-build-steps.ts). Astro still syncs
 * the content (bodies unchanged since the last build are kept), bundles, and renders the other pages, and the outputs
 * integration runs every step after it, so a build here writes what a one-off build writes.
 *
 * What it costs: Node never unloads an ES module, and each build imports the pages Astro bundled for it, the content among them
 * (about 10 MB of heap a build at 100 protocols). scripts/build.ts starts a new runner when this one has grown too much.
 */
import { createInterface } from 'node:readline';
import { BUILD_ENDED } from './astro-watch-protocol.ts';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { PAGE_REUSE, PageReuse } from '../../src/build/page-reuse.ts';
import { SEARCH_MEMO_ENV } from '../../src/build/search-memo.ts';
import { astroCacheDir } from '../../src/lib/paths.ts';
import { closeKeptDiagramBrowser } from '../../src/markdown/diagram-render.ts';
import { stoppingOnItsOwn } from './end-with-parent.ts';
import { alive } from './astro-turn.ts';
import { startStepsOfNextBuild } from './next-build-steps.ts';
import { endStepsAhead } from '../../src/build/steps-start.ts';

const { build } = await import('astro');
// The pages of entries unchanged since the last build are written as they were then (src/build/page-reuse.ts), and the search
// index takes what it made of an unchanged page in the last build (src/build/search-memo.ts, in a file of this runner's). This
// runner is kept only while nothing but entries change; anything else starts a new one, with nothing kept.
(globalThis as Record<symbol, unknown>)[PAGE_REUSE] = new PageReuse();
const searchMemo = join(astroCacheDir, `search-memo-${process.pid}`);
const removeSearchMemo = () => {
  for (const file of [searchMemo, `${searchMemo}.tmp`]) rmSync(file, { force: true });
};
// One left by an earlier process of the same id (a runner killed outright) is not this runner's.
removeSearchMemo();
process.env[SEARCH_MEMO_ENV] = searchMemo;
process.on('exit', removeSearchMemo);
// Stopped by the watch (SIGTERM) or with it (Ctrl+C): the exit handler removes the file. A runner killed outright leaves it, and
// the next runner removes the files of runners that are gone.
// The diagram browser kept between builds is closed first: in its worker thread, Playwright's exit handler would not run. The
// next build's steps are ended too, and waited for: the watch's script waits for this process, and after it nothing of the watch
// may write on (a steps process still loading when its center went wrote the build's failure file after the watch had exited).
// The watch's script may be gone by then: this process is stopping on its own (end-with-parent.ts).
let ending: Promise<unknown> | undefined;
const endOwn = () => (ending ??= Promise.allSettled([closeKeptDiagramBrowser(), endStepsAhead()]));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    stoppingOnItsOwn();
    void endOwn().finally(() => process.exit(128 + constants.signals[signal]));
  });
for (const name of existsSync(astroCacheDir) ? readdirSync(astroCacheDir) : []) {
  const pid = /^search-memo-(\d+)(?:\.tmp)?$/.exec(name)?.[1];
  if (pid && !alive(Number(pid))) rmSync(join(astroCacheDir, name), { force: true });
}

// The first build's steps load with Astro; each next build's when the build before it ends (next-build-steps.ts). Started after
// the search memo is named above: the steps' search thread reads and writes it.
startStepsOfNextBuild();
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'build') continue;
  let code = 0;
  try {
    await build({ root: process.cwd() });
  } catch (error) {
    code = 1;
    const hint = (error as { hint?: unknown }).hint;
    console.error(`[ERROR] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}${typeof hint === 'string' ? `\n  Hint: ${hint}` : ''}`);
  }
  // Pipes are written synchronously on Linux and macOS: both lines follow everything the build wrote.
  const end = `${BUILD_ENDED} ${code} ${process.memoryUsage.rss()}\n`;
  process.stdout.write(end);
  process.stderr.write(end);
  // The next build's steps load now, while the author edits, not beside that build's sync and bundling.
  startStepsOfNextBuild();
}
await endOwn();
process.exit(0);
