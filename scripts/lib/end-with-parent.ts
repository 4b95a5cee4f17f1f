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
 *
 * A parent that starts such a process tells it its own id (PARENT_PID_ENV, parent-pid.ts): a parent gone before the child has
 * loaded this module (under load, a child can take a second to start) is then noticed too.
 */
import { PARENT_PID_ENV } from './parent-pid.ts';

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

// As the parent said it (PARENT_PID_ENV), else as this process finds it. Taken out of the environment at once: a process this
// one starts is told its own parent, not this one's.
const told = Number(process.env[PARENT_PID_ENV]);
delete process.env[PARENT_PID_ENV];
const parentPid = ((): number => {
  if (!Number.isInteger(told) || told <= 0 || told === process.ppid) return process.ppid;
  try {
    // Alive, and yet not this process's parent: this process was started through something between them (a shell, say).
    process.kill(told, 0);
    return process.ppid;
  } catch (error) {
    // Gone (or alive under another user, which only its parent would not be).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? process.ppid : told;
  }
})();
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
