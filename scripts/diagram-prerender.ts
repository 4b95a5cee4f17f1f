/**
 * Build step: renders every new diagram of the content before Astro needs it,
 * in the build's one browser session, while Astro starts up alongside. Astro's
 * diagram plugin waits for the lock file to go, then reads the renders from the
 * cache instead of starting a browser of its own.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { diagramKey, readCachedDiagram, unlockDiagramCache, writeCachedDiagram } from '../src/markdown/diagram-cache.ts';
import { MERMAID_CONFIG, withDiagramClasses } from '../src/markdown/diagram-theme.ts';
import { closeMermaidRenderer, MERMAID_VERSION, renderMermaid } from '../src/markdown/mermaid-renderer.ts';
import type { Finding } from './check/report.ts';

/** Diagrams per browser round trip. */
const BATCH = 8;

/** Every ```mermaid block of the content's MDX files, with the line of its fence. */
function mermaidBlocks(contentDir: string): { file: string; line: number; code: string }[] {
  const blocks: { file: string; line: number; code: string }[] = [];
  for (const entry of readdirSync(contentDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.mdx')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^```mermaid[^\n]*\n([\s\S]*?)\n```\s*$/gm)) {
      blocks.push({ file, line: text.slice(0, match.index).split('\n').length, code: match[1]! });
    }
  }
  return blocks;
}

/** Renders the diagrams the cache lacks, then releases the lock. Parse errors come back as findings. */
export async function prerenderDiagrams(contentDir: string, cacheDir: string, cwd: string): Promise<{ rendered: number; findings: Finding[] }> {
  try {
    const keyOf = (code: string) => diagramKey({ code: withDiagramClasses(code), version: MERMAID_VERSION, config: MERMAID_CONFIG });
    const missing = mermaidBlocks(contentDir).filter((b) => !readCachedDiagram(cacheDir, keyOf(b.code)));
    const unique = [...new Map(missing.map((b) => [keyOf(b.code), b])).values()];
    if (unique.length === 0) return { rendered: 0, findings: [] };
    // Small batches, each written to the cache as soon as it is rendered: a page waits only for its own diagrams.
    const findings: Finding[] = [];
    for (let start = 0; start < unique.length; start += BATCH) {
      const batch = unique.slice(start, start + BATCH);
      const results = await renderMermaid(batch.map((b) => ({ id: `diagram-${keyOf(b.code).slice(0, 12)}`, code: withDiagramClasses(b.code) })));
      batch.forEach((block, i) => {
        const result = results[i]!;
        if (result.ok) writeCachedDiagram(cacheDir, keyOf(block.code), result.diagram);
        else
          findings.push({
            file: relative(cwd, block.file),
            line: block.line + (result.error.line ?? 1),
            column: 1,
            rule: 'diagram-parse',
            severity: 'error',
            message: `Mermaid: ${result.error.message.split('\n')[0]}`,
            hint: 'Fix the diagram; see mermaid.js.org/syntax for the syntax.',
          });
      });
    }
    return { rendered: unique.length - findings.length, findings };
  } finally {
    await closeMermaidRenderer();
    unlockDiagramCache(cacheDir);
  }
}
