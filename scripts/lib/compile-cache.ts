/**
 * Node's compile cache (V8's code cache, on disk) for the build's processes. Each build loads the same few thousand modules of
 * Astro, Vite, the Markdown pipeline and this generator, in Astro's process, the steps' process and their workers; with their
 * code cache kept, N=100 protocols built about half a second sooner (median of five pairs in turn, bench/analysis.md). The first
 * build after an install writes it.
 *
 * The cache lives in node_modules/.cache, so it goes with the dependencies it was made from. Child processes and worker threads
 * inherit it through NODE_COMPILE_CACHE, which a caller may set to put it elsewhere; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 * Astro's own build chunks are cached too and change with the content, so the folder grows with every edit. After the build,
 * entries past LARGE_ENTRY_BYTES go: those are the chunk holding the content itself (24 MB at 1,000 protocols, where no module of
 * a dependency reaches 1 MB), which is not worth its disk. Past COMPILE_CACHE_BUDGET_BYTES the folder is removed and starts again.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';

/**
 * The module that turns the cache on before a script's own modules load (compile-cache-first.ts), as a file URL: `node --import`
 * it before scripts/build.ts, as `npm run build` does.
 */
export const COMPILE_CACHE_FIRST = new URL('./compile-cache-first.ts', import.meta.url).href;

export const COMPILE_CACHE_BUDGET_BYTES = 256 * 1024 * 1024;
export const LARGE_ENTRY_BYTES = 8 * 1024 * 1024;

/** Turns the cache on for this process and its children; the folder, or undefined when it is turned off. */
export function useCompileCache(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const dir = (env.NODE_COMPILE_CACHE ||= join(root, 'node_modules/.cache/support-center/compile-cache'));
  // Node 20 has no compile cache: the folder is named, and nothing is written to it.
  if (env === process.env) module.enableCompileCache?.(dir);
  return dir;
}

/** Removes the entries larger than `large`, then the whole folder when it still holds more than `budget` bytes; true when it did. */
export function pruneCompileCache(dir: string | undefined, budget = COMPILE_CACHE_BUDGET_BYTES, large = LARGE_ENTRY_BYTES): boolean {
  if (!dir) return false;
  let bytes = 0;
  try {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      const size = statSync(file).size;
      if (size > large) rmSync(file, { force: true });
      else bytes += size;
    }
  } catch {
    return false;
  }
  if (bytes <= budget) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}
