/**
 * Loaded (`node --import`) into the Astro process that scripts/build.ts starts, and into the output steps' process that Astro
 * starts: when its parent is gone — the build script killed with SIGKILL, which it cannot catch to stop Astro itself, or Astro
 * gone with a failed build — the process stops too, instead of writing on into a staging folder that the next build removes. An
 * orphan is adopted by another process, so its parent's id changes.
 *
 * A process with something to close first (the steps' printing browser, whose profile folder Playwright removes only once it
 * has closed, and its warm-up print's folder) names it with {@link whenParentGone}, and one already stopping on its own says so
 * with {@link stoppingOnItsOwn}: either is given up to STOPPING_GRACE_MS, instead of being cut off with its temporary folders
 * left behind.
 */
const STOPPING = Symbol.for('support-center.stopping-on-its-own');
const STOPPING_GRACE_MS = 10_000;

/** Marks this process as stopping on its own: its parent's going does not stop it for STOPPING_GRACE_MS. */
export function stoppingOnItsOwn(): void {
  (globalThis as Record<symbol, number | undefined>)[STOPPING] ??= Date.now();
}

let closeFirst: (() => Promise<unknown>) | undefined;
/** What to close when the parent is gone, before this process exits (for STOPPING_GRACE_MS at most). */
export function whenParentGone(close: () => Promise<unknown>): void {
  closeFirst = close;
}

const parentPid = process.ppid;
let closing = false;
setInterval(() => {
  if (process.ppid === parentPid || closing) return;
  const since = (globalThis as Record<symbol, number | undefined>)[STOPPING];
  if (since !== undefined && Date.now() - since < STOPPING_GRACE_MS) return;
  closing = true;
  console.error('[build] the build script is gone: stopping Astro');
  const exit = () => process.exit(1);
  if (!closeFirst || since !== undefined) return exit();
  setTimeout(exit, STOPPING_GRACE_MS);
  closeFirst().then(exit, exit);
}, 250).unref();
