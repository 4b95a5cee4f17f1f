/**
 * Rendered diagrams keyed by a hash of everything that shapes them: the
 * mermaid source, the mermaid version and the render configuration. The cache
 * lives outside `dist/` and is committed, so a rebuild whose diagrams did not
 * change, or a machine with no Chromium, needs no browser.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderedDiagram } from './mermaid-renderer.ts';

/** While this file exists in the cache folder, the build is rendering diagrams into it; the plugin waits. */
export const RENDER_LOCK = '.rendering';

/** Takes the render lock at once, so Astro, started right after, never renders a diagram that the build's own step will render. */
export function lockDiagramCache(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RENDER_LOCK), String(process.pid));
}

/** Removes the render lock if this process holds it; safe to call more than once, and on exit after a failure. */
export function unlockDiagramCache(dir: string): void {
  try {
    if (readFileSync(join(dir, RENDER_LOCK), 'utf8') === String(process.pid)) rmSync(join(dir, RENDER_LOCK), { force: true });
  } catch {
    // No lock: nothing to do.
  }
}

/**
 * Waits (up to `timeoutMs`) while another step of the build holds the render
 * lock, but only until every diagram in `keys` is in the cache: a page whose
 * diagrams are rendered goes on while the rest still render.
 */
export async function waitForRenderLock(dir: string, keys: readonly string[] = [], timeoutMs = 180_000): Promise<void> {
  const started = Date.now();
  // Present means complete: every cache file is written under a temporary name and renamed. Checking presence, not parsing, keeps
  // a thousand waiting pages from spending the CPU that Astro needs.
  const ready = () => keys.length > 0 && keys.every((key) => existsSync(join(dir, `${key}.json`)));
  while (!ready() && lockHolderAlive(dir) && Date.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 50));
}

/** True while the lock exists and the process that took it still runs (a killed build leaves no lasting lock). */
function lockHolderAlive(dir: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dir, RENDER_LOCK), 'utf8'));
  } catch {
    return false;
  }
  // An empty or damaged lock names no process (and pid 0 would mean "this process group" to kill()).
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The cache key of one diagram. */
export function diagramKey(parts: { code: string; version: string; config: unknown }): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.version, parts.config, parts.code]))
    .digest('hex')
    .slice(0, 32);
}

/** Reads a cached diagram, or undefined. */
export function readCachedDiagram(dir: string, key: string): RenderedDiagram | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as RenderedDiagram;
  } catch {
    return undefined;
  }
}

/** Stores a diagram; written to a temporary name first so a crash never leaves half a file. */
export function writeCachedDiagram(dir: string, key: string, diagram: RenderedDiagram): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${key}.json`);
  // A temporary name of this process's own, so two writers of one diagram never share a half-written file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(diagram, null, 1) + '\n');
  renameSync(temporary, file);
}
