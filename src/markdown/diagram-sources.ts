/**
 * The one way diagrams are found in a center's sources: every ```mermaid fence of its MDX files, with the line of the fence and
 * its caption. The build's early render (diagram-render.ts) and the content checks read them through here; the diagram plugin
 * meets the same fences in the page's syntax tree, where it replaces them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface MermaidBlock {
  /** The MDX file. */
  file: string;
  /** Line of the opening fence (1-based); a diagram's own line n is at line + n. */
  line: number;
  code: string;
}

/** The ```mermaid fences of one file's text. */
export function mermaidBlocks(text: string, file = ''): MermaidBlock[] {
  return [...text.matchAll(/^```mermaid[^\n]*\n([\s\S]*?)\n```\s*$/gm)].map((match) => ({
    file,
    line: text.slice(0, match.index).split('\n').length,
    code: match[1]!,
  }));
}

/** The ```mermaid fences of every MDX file under `contentDir`. */
export function contentMermaidBlocks(contentDir: string): MermaidBlock[] {
  return readdirSync(contentDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.mdx'))
    .flatMap((entry) => {
      const file = join(entry.parentPath, entry.name);
      return mermaidBlocks(readFileSync(file, 'utf8'), file);
    });
}
