import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8'));
      if (!holder || !alive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!told) console.log(`[build] waiting for another build of this project (process ${holder}) to finish with Astro`);
      told = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const release = () => {
    try {
      if (readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return release;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
