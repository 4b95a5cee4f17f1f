import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { blankFrontmatter, vitePluginBlankFrontmatter } from '../../../src/markdown/blank-frontmatter';

const source = [
  '---',
  'title: Western blot for p-ERK (Thr202/Tyr204) detection',
  'steps:',
  '  - id: blocking',
  '    text: Block in 5% BSA in TBST for 1 hour.',
  '---',
  '',
  '## Notes',
  '',
  'Keep lysates on ice [@lab-handbook].',
  '',
].join('\n');

/** The YAML between the fences, as Astro's MDX plugin extracts it. */
function frontmatterOf(code: string): unknown {
  const m = /^\uFEFF?---\r?\n([\s\S]*?\r?\n)---/.exec(code);
  return m ? load(m[1]!) : 'no frontmatter';
}

describe('blankFrontmatter', () => {
  it('empties the fields and keeps the fences, the body and every line number', () => {
    const blanked = blankFrontmatter(source)!;
    expect(frontmatterOf(source)).toMatchObject({ title: 'Western blot for p-ERK (Thr202/Tyr204) detection' });
    expect(frontmatterOf(blanked) ?? {}).toEqual({});
    expect(blanked).not.toContain('Thr202');
    expect(blanked).not.toContain('BSA');
    const [before, after] = [source.split('\n'), blanked.split('\n')];
    expect(after).toHaveLength(before.length);
    // The body keeps its lines at the same numbers, so an MDX error in it is reported where the author sees it.
    expect(after.slice(5)).toEqual(before.slice(5));
    expect(after.indexOf('Keep lysates on ice [@lab-handbook].')).toBe(before.indexOf('Keep lysates on ice [@lab-handbook].'));
  });

  it('handles Windows line ends and a byte-order mark', () => {
    const crlf = `\uFEFF${source.replaceAll('\n', '\r\n')}`;
    const blanked = blankFrontmatter(crlf)!;
    expect(blanked.startsWith('\uFEFF---\r\n')).toBe(true);
    expect(frontmatterOf(blanked) ?? {}).toEqual({});
    expect(blanked.split('\n')).toHaveLength(crlf.split('\n').length);
    expect(blanked.endsWith('Keep lysates on ice [@lab-handbook].\r\n')).toBe(true);
  });

  it('leaves a file alone whose body mentions its frontmatter, which MDX lets a body read', () => {
    expect(blankFrontmatter(`${source}\nThis page covers {frontmatter.title}.\n`)).toBeNull();
    expect(blankFrontmatter(`${source}\n{/* no frontmatter here */}\n`)).toBeNull();
  });

  it('keeps an empty frontmatter empty, and the body after it whole', () => {
    const empty = '---\n---\n\nBody text.\n\n---\n\nMore after a rule.\n';
    expect(blankFrontmatter(empty)).toBe(empty);
  });

  it('leaves a file without frontmatter, and a --- rule later in the body, alone', () => {
    expect(blankFrontmatter('Text first.\n\n---\n\nmore: text\n---\n')).toBeNull();
    const withRule = `${source}\n---\n\nAfter a rule.\n`;
    expect(blankFrontmatter(withRule)!.endsWith('\n---\n\nAfter a rule.\n')).toBe(true);
  });
});

describe('vitePluginBlankFrontmatter', () => {
  const plugin = vitePluginBlankFrontmatter('content');
  const transform = plugin.transform as { handler: (code: string, id: string) => { code: string } | null };

  it('applies to MDX files in the content folder only', () => {
    expect(transform.handler(source, resolve('content/protocols/example-protocol.mdx'))?.code).toBe(blankFrontmatter(source));
    expect(transform.handler(source, resolve('src/pages/example.mdx'))).toBeNull();
    expect(transform.handler(source, resolve('content-other/faq/x.mdx'))).toBeNull();
  });
});
