import { compile } from '@mdx-js/mdx';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { remarkCitations } from '../../../src/markdown/remark-citations';

const references = new Map([
  ['smith-2020', 1],
  ['vendor-wb-guide', 2],
  ['lab-handbook', 12],
]);

async function render(markdown: string) {
  const file = new VFile({ path: 'content/faq/example.mdx', value: markdown });
  const result = await unified().use(remarkParse).use(remarkGfm).use(remarkCitations, { references }).use(remarkRehype).use(rehypeStringify).process(file);
  return { html: String(result), data: result.data as { astro?: { frontmatter?: { citations?: string[] } } } };
}

describe('remark-citations', () => {
  it('turns [@id] into a numbered superscript link to the reference', async () => {
    const { html } = await render('The antibody detects the phosphorylated form only [@smith-2020].');
    expect(html).toBe(
      '<p>The antibody detects the phosphorylated form only <sup class="cite">[<a href="#ref-smith-2020" id="cite-smith-2020-1" aria-label="Reference 1">1</a>]</sup>.</p>',
    );
  });

  it('renders a group in the order written and numbers repeated citations', async () => {
    const { html, data } = await render('A [@lab-handbook; @smith-2020]. B [@lab-handbook].');
    expect(html).toContain('>12</a>, <a href="#ref-smith-2020"');
    expect(html).toContain('id="cite-lab-handbook-1"');
    expect(html).toContain('id="cite-lab-handbook-2"');
    expect(data.astro?.frontmatter?.citations).toEqual(['lab-handbook', 'smith-2020']);
  });

  it('finds citations inside emphasis, list items and GFM tables', async () => {
    const { html } = await render('- *fast [@lab-handbook]*\n\n| a | b |\n| - | - |\n| x [@vendor-wb-guide] | y |\n');
    expect(html).toContain('<em>fast <sup class="cite">');
    expect(html).toMatch(/<td>x <sup class="cite">\[<a href="#ref-vendor-wb-guide"/);
  });

  it('leaves ordinary brackets and links alone', async () => {
    const { html } = await render('See [the guide](https://example.org) and [note] and email@example.org.');
    expect(html).not.toContain('class="cite"');
    expect(html).toContain('[note]');
  });

  it('fails on an unknown id with the file, line, column and id', async () => {
    await expect(render('Line one.\n\nSee [@no-such-ref].')).rejects.toMatchObject({
      message: expect.stringContaining('"no-such-ref"'),
      line: 3,
      column: 1,
      file: 'content/faq/example.mdx',
      ruleId: 'unknown-id',
    });
  });

  it.each(['[@Bad_Id]', '[@lab-handbook; other]', '[@]'])('fails on the malformed citation %s', async (citation) => {
    await expect(render(`Text ${citation}.`)).rejects.toMatchObject({ ruleId: 'malformed-id' });
  });

  it('runs inside the MDX compiler too', async () => {
    const file = await compile('Text [@lab-handbook] and <b>{1 + 1}</b>.', { remarkPlugins: [[remarkCitations, { references }]] });
    expect(String(file)).toContain('"cite-lab-handbook-1"');
  });
});
