/**
 * The content loader renders MDX bodies to HTML itself (src/markdown/mdx-html.ts): what an author writes in the MDX subset
 * content may use comes out as the page shows it, and every problem names the file's own line.
 */
import { markdownConfigDefaults, unified } from '@astrojs/markdown-remark';
import { describe, expect, it } from 'vitest';
import { contentPlugins } from '../../../src/markdown/content-plugins';
import { computeRendererKey, mdxHtmlRenderer, withoutFrontmatter } from '../../../src/markdown/mdx-html';
import { loadSiteConfig } from '../../../src/lib/site-config';

const contentDir = 'test/fixtures/centers/qpcr';
const config = {
  markdown: {
    ...markdownConfigDefaults,
    processor: unified({ gfm: false, ...contentPlugins({ contentDir, diagramCacheDir: `${contentDir}/.diagram-cache`, center: loadSiteConfig(contentDir) }) }),
    syntaxHighlight: { type: 'shiki' as const, excludeLangs: ['mermaid'] },
  },
};
const render = mdxHtmlRenderer(config as never);
const FRONTMATTER = '---\ntitle: A page\nquestion: Why do melt curves show two peaks?\nsteps:\n  - first\n---\n';

describe('MDX bodies rendered to HTML by the content loader', () => {
  it('renders Markdown, GFM tables, plain HTML elements and reads of the frontmatter', async () => {
    const body = [
      '## Two peaks',
      '',
      'Primer dimers melt at 75 °C, the product at 85 °C. The question: {frontmatter.question}',
      '',
      '| Target | Tm |',
      '| --- | --- |',
      '| GAPDH | 84.5 °C |',
      '',
      'H<sub>2</sub>O<sub>2</sub> and <abbr title="room temperature">RT</abbr>; the first step is {frontmatter.steps[0]}.',
    ].join('\n');
    const { html, metadata } = await render('content/faq/x.mdx', FRONTMATTER + body, { question: 'Why do melt curves show two peaks?', steps: ['first'] });
    expect(html).toContain('<h2 id="two-peaks">Two peaks</h2>');
    expect(html).toContain('The question: Why do melt curves show two peaks?');
    expect(html).toMatch(/<table>[\s\S]*<th>Target<\/th>[\s\S]*<td>84.5 °C<\/td>/);
    expect(html).toContain('H<sub>2</sub>O<sub>2</sub> and <abbr title="room temperature">RT</abbr>; the first step is first.');
    expect(metadata.headings).toEqual([{ depth: 2, slug: 'two-peaks', text: 'Two peaks' }]);
  });

  it('leaves an HTML element on a line of its own unwrapped, as MDX does, and prints a list field as MDX does', async () => {
    const body = [
      '<div class="note">A note.</div>',
      '',
      '<details open>',
      '<summary>More</summary>',
      '',
      'Hidden text.',
      '',
      '</details>',
      '',
      'Steps: {frontmatter.steps}',
    ].join('\n');
    const { html } = await render('content/faq/x.mdx', FRONTMATTER + body, { steps: ['a', 'b'] });
    expect(html).toContain('<div class="note">A note.</div>');
    expect(html).not.toMatch(/<p>\s*<(div|summary)/);
    expect(html).toMatch(/<details open>\s*<summary>More<\/summary>\s*<p>Hidden text.<\/p>\s*<\/details>/);
    expect(html).toContain('<p>Steps: ab</p>');
  });

  it('marks an image beside the entry for Astro to optimise, and tells the store which files it uses', async () => {
    const { html, metadata } = await render('content/faq/x.mdx', `${FRONTMATTER}![A melt curve with one peak](./melt.png)`, {});
    expect(metadata.imagePaths).toEqual(['./melt.png']);
    expect(html).toMatch(/<img __ASTRO_IMAGE_="[^"]*&#x22;src&#x22;:&#x22;.\/melt.png&#x22;/);
    expect(html).toContain('A melt curve with one peak');
  });

  it('numbers a citation from the center’s references, as Astro’s own Markdown pipeline does', async () => {
    const { html } = await render('content/faq/x.mdx', `${FRONTMATTER}Efficiency should be 90–110% [@bustin-2009-miqe].`, {});
    expect(html).toMatch(/<sup class="cite">\[<a href="#ref-bustin-2009-miqe"[^>]*>\d+<\/a>\]<\/sup>/);
  });

  it('fails a body with a problem at the line of the file, counting the frontmatter', async () => {
    // Line 7 of the file: six lines of frontmatter come first.
    await expect(render('content/faq/x.mdx', `${FRONTMATTER}Text {1 + 1} more.`, {})).rejects.toMatchObject({ line: 7, reason: expect.stringContaining('mdx-expression') });
    await expect(render('content/faq/x.mdx', `${FRONTMATTER}\nSee [@no-such-reference].`, {})).rejects.toMatchObject({ line: 8 });
    await expect(render('content/faq/x.mdx', `${FRONTMATTER}A <b>bold</i> tag.`, {})).rejects.toMatchObject({ line: 7 });
  });

  it('gives the same key while nothing it depends on changes, and another when a file it depends on does', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'renderer-key-'));
    const refs = join(dir, 'references.yaml');
    writeFileSync(refs, '- id: a\n');
    const before = computeRendererKey(process.cwd(), 'src', [refs]);
    expect(computeRendererKey(process.cwd(), 'src', [refs])).toBe(before);
    writeFileSync(refs, '- id: b\n');
    expect(computeRendererKey(process.cwd(), 'src', [refs])).not.toBe(before);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('withoutFrontmatter', () => {
  it('empties the frontmatter line by line and leaves the body as written', () => {
    expect(withoutFrontmatter('---\ntitle: A\nlist:\n  - b\n---\n\nBody --- text\n---\n')).toBe('\n\n\n\n\n\nBody --- text\n---\n');
    expect(withoutFrontmatter('\uFEFF---\r\ntitle: A\r\n---\r\nBody')).toBe('\n\n\r\nBody');
    expect(withoutFrontmatter('---\n---\nBody')).toBe('\n\nBody');
    expect(withoutFrontmatter('No frontmatter\n---\n')).toBe('No frontmatter\n---\n');
  });
});
