import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Astro keeps one state folder per project (`.astro/`: the content module map, the data store), so two builds of this checkout
 * at once — two centers, say — would read each other's content. Every Astro build of this checkout (`npm run build`, and
 * `npm run astro -- build`) takes its turn here; a second waits, and says so. A lock left by a build that was killed is taken
 * over. Resolves with the function that gives the turn back; `cancelled` lets a build that failed while it waited leave at once.
 */
export async function astroTurn(root: string, cancelled: () => boolean = () => false): Promise<() => void> {
  const lock = join(root, 'node_modules/.cache/support-center/astro-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  let told = false;
  for (;;) {
    if (cancelled()) return () => undefined;
    if (take(lock)) break;
    const holder = holderOf(lock);
    // Given back between the two calls: try again at once.
    if (holder === undefined) continue;
    if (!holder || !alive(holder)) {
      // Another build taking over at the same moment: look again shortly.
      if (!takeOver(lock, holder)) await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    if (!told) console.log(`[build] waiting for another build of this project (process ${holder}) to finish with Astro`);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return release;
}

/**
 * Takes the lock when no one holds it. The lock appears with this process's id already in it (a file of its own, linked in
 * place), so another build never reads it empty and takes it for a stale one.
 */
function take(lock: string): boolean {
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    linkSync(mine, lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(mine, { force: true });
  }
}

/**
 * Removes the lock of a build that is gone (`stale`: the id it holds, 0 when unreadable), unless another build has done so and
 * taken the turn since. Two builds that both find the dead lock take over one at a time, under a second lock, and each looks
 * again before it removes: the second then finds the first's lock, not the dead one. (Removing it at once, as before, let the
 * second remove the first's fresh lock and take the turn beside it.) A takeover lock left by a build killed in those few
 * microseconds is removed as a dead one, without the same care: three builds meeting in that window could still race there.
 */
function takeOver(lock: string, stale: number): boolean {
  // For tests only: a pause between finding the dead lock and acting on it, where another build can find it too.
  const pause = Number(process.env.SITE_TURN_TAKEOVER_PAUSE_MS ?? 0);
  if (pause > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
  const guard = `${lock}.takeover`;
  if (!take(guard)) {
    const holder = holderOf(guard);
    if (holder !== undefined && (!holder || !alive(holder))) rmSync(guard, { force: true });
    return false;
  }
  try {
    if (holderOf(lock) === stale) rmSync(lock, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

/** The id of the process that holds the lock, or undefined when the lock has just been given back. */
function holderOf(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    // A lock that does not hold a process id is as good as a dead one.
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
