/**
 * Rendered diagrams keyed by a hash of everything that shapes them: the
 * mermaid source, the mermaid version and the render configuration. The cache
 * lives outside `dist/` and is committed, so a rebuild whose diagrams did not
 * change, or a machine with no Chromium, needs no browser.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { MERMAID_CONFIG, withDiagramClasses } from './diagram-theme.ts';
import { MERMAID_VERSION, type RenderedDiagram } from './mermaid-renderer.ts';

/** The cache key of one diagram: its source as rendered (with the theme's classes), the mermaid version and the configuration. */
export function diagramCacheKey(code: string): string {
  return createHash('sha256')
    .update(JSON.stringify([MERMAID_VERSION, MERMAID_CONFIG, withDiagramClasses(code)]))
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
  const temporary = `${file}.${process.pid}-${threadId}.tmp`;
  writeFileSync(temporary, JSON.stringify(diagram, null, 1) + '\n');
  renameSync(temporary, file);
}
