import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rehypeStringify from 'rehype-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { afterAll, describe, expect, it } from 'vitest';
import { unthemedColours } from '../../../src/markdown/diagram-theme';
import { closeMermaidRenderer, rendererStats } from '../../../src/markdown/mermaid-renderer';
import { diagramStats, fillDeferredDiagrams, rehypeMermaidDiagrams, sliceCuts } from '../../../src/markdown/rehype-mermaid-diagrams';
import { renderMissing } from '../../../src/markdown/diagram-render';
import { DEFERRED_DIAGRAMS } from '../../../src/build/page-handoff';

const cacheDir = mkdtempSync(join(tmpdir(), 'diagram-cache-'));
afterAll(async () => {
  await closeMermaidRenderer();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function render(markdown: string) {
  const file = new VFile({ path: 'content/protocols/example.mdx', value: markdown });
  const result = await unified().use(remarkParse).use(remarkRehype).use(rehypeMermaidDiagrams, { cacheDir }).use(rehypeStringify).process(file);
  return String(result);
}

const diagram = (body: string, meta = 'caption="How a bypass kinase escapes a MEK inhibitor."') =>
  ['# Title', '', 'Some text.', '', `\`\`\`mermaid ${meta}`, 'flowchart TD', body, '```', ''].join('\n');

const good = diagram(
  [
    '  accTitle: A bypass kinase escapes a MEK inhibitor',
    '  accDescr: An inhibitor blocks MEK; a bypass kinase still activates ERK.',
    '  T["MEK inhibitor"]:::drug -->|blocks| H["MEK"]',
    '  P["Bypass kinase"]:::resistance --> K["ERK"]',
    '  click P href "/faq/bypass-signalling/"',
  ].join('\n'),
);

describe('rehype-mermaid-diagrams', () => {
  it('replaces a mermaid block by a figure with the SVG, caption and text description', async () => {
    const html = await render(good);
    expect(html).not.toContain('language-mermaid');
    expect(html).toMatch(/<figure class="diagram" id="figure-[0-9a-f]{12}"><div class="diagram-scroll" tabindex="0" role="group"[^>]*><svg /);
    expect(html).toContain('<title id="chart-title-diagram-');
    expect(html).toContain('>A bypass kinase escapes a MEK inhibitor</title>');
    expect(html).toContain('<figcaption>How a bypass kinase escapes a MEK inhibitor.</figcaption>');
    expect(html).toContain('<summary>Text description of the diagram</summary><p>An inhibitor blocks MEK; a bypass kinase still activates ERK.</p>');
    expect(html).toContain('href="/faq/bypass-signalling/"');
  });

  it('writes colours as theme custom properties, with no placeholder left', async () => {
    const html = await render(good);
    expect(unthemedColours(html)).toEqual([]);
    for (const property of ['--diagram-text', '--diagram-line', '--diagram-node-bg', '--diagram-drug-bg', '--diagram-resistance-bg']) {
      expect(html).toContain(`var(${property})`);
    }
  });

  it('serves an unchanged diagram from the cache without a browser', async () => {
    await render(good);
    const launches = rendererStats.launches;
    const fromCache = diagramStats.fromCache;
    const saved = process.env.CHROME_PATH;
    process.env.CHROME_PATH = '/nonexistent/chromium';
    await closeMermaidRenderer();
    try {
      expect(await render(good)).toContain('<svg');
    } finally {
      process.env.CHROME_PATH = saved;
      if (saved === undefined) delete process.env.CHROME_PATH;
    }
    expect(rendererStats.launches).toBe(launches);
    expect(diagramStats.fromCache).toBe(fromCache + 1);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('treats a cached render as data: a tampered file cannot put handlers, scripts or javascript: links into the page', async () => {
    await render(good);
    const file = join(
      cacheDir,
      readdirSync(cacheDir).find((f) => f.endsWith('.json'))!,
    );
    const original = readFileSync(file, 'utf8');
    const cached = JSON.parse(original) as { svg: string };
    cached.svg = cached.svg.replace(
      /<g/,
      '<image href="x" onload="alert(1)"/><script>alert(2)</script><a href="javascript:alert(3)"><text onclick="alert(4)">x</text></a><g',
    );
    writeFileSync(file, JSON.stringify(cached));
    try {
      const html = await render(good);
      expect(html).not.toMatch(/onload|onclick|<script|javascript:|<image/i);
      // The diagram itself is still there, with its link to a page of the site.
      expect(html).toContain('/faq/bypass-signalling/');
      expect(html).toMatch(/marker-end="url\(#/);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('gives every element a unique id when a page holds several diagrams, even the same one twice', async () => {
    const other = diagram(['  accTitle: Second', '  accDescr: Another diagram.', '  X --> Y'].join('\n'), 'caption="Second."');
    const html = await render([good, other, good].join('\n'));
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(30);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(html.match(/<figure /g)).toHaveLength(3);
  });

  it('fails a diagram mermaid cannot parse at its line in the file, with mermaid’s message', async () => {
    // Line 5 is the fence; the broken line is the diagram's third line, so line 8 of the file.
    const broken = diagram(['  accTitle: t', '  A -->> B'].join('\n'));
    await expect(render(broken)).rejects.toMatchObject({
      file: 'content/protocols/example.mdx',
      line: 8,
      ruleId: 'parse-error',
      message: expect.stringMatching(/example\.mdx:8:1  diagram-parse  Mermaid could not parse this diagram: Parse error on line 3/),
    });
  });

  it('fails a diagram without accTitle and accDescr', async () => {
    await expect(render(diagram('  A --> B'))).rejects.toMatchObject({ ruleId: 'missing-accessibility', line: 5 });
  });

  it('fails a diagram without a caption', async () => {
    await expect(render(diagram('  accTitle: t\n  accDescr: d\n  A --> B', ''))).rejects.toMatchObject({ ruleId: 'missing-caption' });
  });
});

describe('in a build, a body whose diagram is still rendering', () => {
  /** A diagram no other test renders, its render started in a worker's browser as a build starts it. */
  const source = (label: string, accessible = true) =>
    diagram(
      [...(accessible ? ['  accTitle: A deferred diagram', '  accDescr: Two steps, one after the other.'] : []), `  A["${label}"] --> B["Second step"]`].join(
        '\n',
      ),
    );
  const code = (markdown: string) => /```mermaid[^\n]*\n([\s\S]*?)```/.exec(markdown)![1]!;
  const inBuild = async <T>(run: () => Promise<T>): Promise<T> => {
    (globalThis as Record<symbol, unknown>)[DEFERRED_DIAGRAMS] = () => undefined;
    try {
      return await run();
    } finally {
      delete (globalThis as Record<symbol, unknown>)[DEFERRED_DIAGRAMS];
    }
  };

  it('is rendered without waiting for it, and its page gets the figure the body would have held', async () => {
    const markdown = source('First step, deferred');
    const renders = renderMissing([{ code: code(markdown), file: 'content/protocols/example.mdx', line: 5 }], cacheDir);
    let renderBack = false;
    void renders.done.then(() => (renderBack = true));
    // The browser takes a second or more to start: the body is done long before its diagram.
    const body = await inBuild(() => render(markdown));
    expect(renderBack).toBe(false);
    expect(body).not.toContain('<svg');
    expect(body).not.toContain('language-mermaid');
    expect(body).toMatch(/^<h1>Title<\/h1>\n<p>Some text.<\/p>\n<!--support-center-diagram \{/);
    const page = `<!doctype html><html><body><main>${body}</main></body></html>`;
    const filled = await fillDeferredDiagrams(page, cacheDir);
    expect((await renders.done).rendered).toBe(1);
    // What the body holds once the render is in the cache, as in the next build, byte for byte.
    expect(filled).toBe(`<!doctype html><html><body><main>${await render(markdown)}</main></body></html>`);
    expect(filled).toContain('<figcaption>How a bypass kinase escapes a MEK inhibitor.</figcaption>');
    expect(filled).toContain('marker-end=');
  });

  it('fails its page, at the diagram’s file and line, when the render has no accessible title and description', async () => {
    const markdown = source('A step with no title', false);
    const renders = renderMissing([{ code: code(markdown), file: 'content/protocols/example.mdx', line: 5 }], cacheDir);
    const body = await inBuild(() => render(markdown));
    expect(body).toContain('<!--support-center-diagram ');
    await expect(fillDeferredDiagrams(body, cacheDir)).rejects.toThrow(
      /^content\/protocols\/example\.mdx:5:1  missing-accessibility  A diagram needs an accessible title/,
    );
    await renders.done;
  });

  it('leaves a page without placeholders as it is', async () => {
    const page = '<p>No diagram here: &lt;!--support-center-diagram {}--&gt;</p>';
    expect(await fillDeferredDiagrams(page, cacheDir)).toBe(page);
  });
});

describe('a diagram too tall for one printed page', () => {
  const steps = Array.from({ length: 12 }, (_, i) => `  S${i}["Step ${i + 1}: a step of a long workflow, described in a few words"]`);
  const tall = diagram(
    [
      '  accTitle: A long workflow',
      '  accDescr: Twelve steps, one after another.',
      ...steps,
      `  ${steps.map((_, i) => `S${i}`).join(' --> ')}`,
      '  click S0 href "#first"',
    ].join('\n'),
    'caption="Twelve steps."',
  );

  it('is also written in slices for paper, hidden from screens and search, each with its own ids and arrowheads, cut between boxes', async () => {
    const html = await render(tall);
    expect(html).toMatch(/<figure class="diagram diagram-tall diagram-sliced"/);
    const print = /<div class="diagram-print" aria-hidden="true" data-pagefind-ignore="">([\s\S]*?)<\/div><figcaption>/.exec(html)?.[1];
    expect(print).toBeDefined();
    const slices = [...print!.matchAll(/<svg\b[^>]*>[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    expect(slices.length).toBeGreaterThanOrEqual(2);
    // Together the slices cover the drawing from top to bottom, each a band of it.
    const original = /viewBox="([\d.-]+) ([\d.-]+) ([\d.]+) ([\d.]+)"/.exec(html)!.slice(1).map(Number);
    const bands = slices.map((s) => /viewBox="([\d.-]+) ([\d.-]+) ([\d.]+) ([\d.]+)"/.exec(s)!.slice(1).map(Number));
    expect(bands[0]![1]).toBeCloseTo(original[1]!, 3);
    bands.slice(1).forEach((b, i) => expect(b[1]).toBeCloseTo(bands[i]![1]! + bands[i]![3]!, 3));
    expect(bands.at(-1)![1]! + bands.at(-1)![3]!).toBeCloseTo(original[1]! + original[3]!, 3);
    // No id twice in the page, and every arrowhead a slice points at is its own.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const slice of slices) {
      const own = new Set([...slice.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
      const used = [...slice.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]);
      expect(used.length).toBeGreaterThan(0);
      for (const ref of used) expect(own.has(ref), ref).toBe(true);
      expect(slice).not.toMatch(/<title|<desc|role="graphics-document/);
    }
  });

  it('cuts only in the gaps between boxes, and each slice fits its page', () => {
    // Boxes 100 high with gaps of 50: 0–100, 150–250, … A slice may be 420 high.
    const boxes: [number, number][] = Array.from({ length: 10 }, (_, i) => [i * 150, i * 150 + 100]);
    const cuts = sliceCuts(0, 1450, 420, boxes);
    expect(cuts[0]).toBe(0);
    expect(cuts.at(-1)).toBe(1450);
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]! - cuts[i - 1]!).toBeLessThanOrEqual(420);
    for (const cut of cuts.slice(1, -1)) for (const [top, bottom] of boxes) expect(cut <= top || cut >= bottom, `cut at ${cut}`).toBe(true);
    // A box taller than a slice is cut at the slice's limit rather than never.
    expect(sliceCuts(0, 1000, 300, [[0, 1000]])).toEqual([0, 300, 600, 900, 1000]);
  });
});
