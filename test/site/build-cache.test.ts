/**
 * The diagram cache a center keeps with its content: a build of a center whose
 * cache holds its diagrams (the RT-qPCR fixture, as its first build left it)
 * renders no diagram and needs no browser, so a machine without Chromium
 * still builds the site.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, expect, inject, it } from 'vitest';
import { findBrowser, findHeadlessBrowser } from '../../src/lib/find-browser';

const dir = mkdtempSync(join(tmpdir(), 'hrs-nobrowser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The fixture center as its build in the global setup left it (its diagram cache filled), but for one body that reads its own
// frontmatter, which MDX allows (the content loader gives it the field's text, src/markdown/mdx-html.ts).
const content = join(dir, 'content');
cpSync(inject('fixtureContentDir'), content, { recursive: true });
appendFileSync(join(content, 'faq/melt-curve.mdx'), '\nThis page answers: {frontmatter.question}\n');
const question = /^question: (.+)$/m.exec(readFileSync(join(content, 'faq/melt-curve.mdx'), 'utf8'))![1]!;

/** Runs the build; its output is compared without colour codes, which Astro's logger adds when `CI` is set. */
const build = (env: NodeJS.ProcessEnv) => {
  const result = spawnSync(process.execPath, ['scripts/build.ts'], {
    env: {
      ...process.env,
      SITE_CONTENT_DIR: content,
      SITE_OUT_DIR: join(dir, 'dist'),
      SITE_CACHE_DIR: join(dir, 'cache'),
      CHROME_PATH: '/nonexistent/chromium',
      ...env,
    },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: stripVTControlCharacters(result.stdout), stderr: stripVTControlCharacters(result.stderr) };
};

it('with no browser, npm start still builds the site with every diagram from the cache, and says the PDFs are missing', () => {
  // The center has one diagram (the two-step protocol's workflow), and its cache one render of it.
  expect(readdirSync(join(content, '.diagram-cache')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  const result = build({ SITE_PDF: 'optional', NODE_COMPILE_CACHE: '' });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  // The build keeps Node's compile cache with the dependencies, for its own process and for Astro's, which runs with V8 flags
  // of its own (ASTRO_NODE_FLAGS) and so has a folder of its own there.
  const compileCache = 'node_modules/.cache/support-center/compile-cache';
  const cacheFolders = readdirSync(compileCache).filter((f) => readdirSync(join(compileCache, f)).length > 0);
  expect(cacheFolders.length, cacheFolders.join(', ')).toBeGreaterThanOrEqual(2);
  expect(result.stdout).toMatch(/\[diagrams\] 0 rendered, 1 from cache, 0 browser launches/);
  expect(result.stderr + result.stdout).toMatch(
    /\[support-center:outputs\] skipped: PDF export needs a browser\. No Chromium or Chrome found: set CHROME_PATH/,
  );
  const page = readFileSync(join(dir, 'dist/protocols/two-step-rt-qpcr/index.html'), 'utf8');
  expect(page).toContain('<svg');
  expect(page).toContain('PDF export was not available when this copy was built.');
  expect(page).not.toContain('data-pdf-link');
  expect(existsSync(join(dir, 'dist/pdf'))).toBe(false);
  // A body that reads its frontmatter shows the field.
  expect(readFileSync(join(dir, 'dist/faq/melt-curve/index.html'), 'utf8')).toContain(`This page answers: ${question}`);
});

it('with no browser, npm run build fails with one line on how to provide one', () => {
  const result = build({ SITE_PDF: '' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('[build] FAILED: PDF export needs a browser. No Chromium or Chrome found: set CHROME_PATH');
  expect(result.stderr).not.toMatch(/\n\s+at /);
});

it('a rebuild prints only the protocols whose pages changed: with nothing changed it starts no browser and writes the same PDFs', () => {
  const center = join(dir, 'printed');
  cpSync(inject('fixtureContentDir'), center, { recursive: true });
  const env = (n: number) => ({
    SITE_CONTENT_DIR: center,
    SITE_OUT_DIR: join(dir, `printed-dist-${n}`),
    SITE_CACHE_DIR: join(dir, 'printed-cache'),
    CHROME_PATH: findBrowser()!,
    SITE_PDF: '',
  });
  const pdfLine = (stdout: string) => /pdf export: [\d.]+ s · (.*)/.exec(stdout)?.[1];
  // Each protocol page is finished as soon as its PDF is written, whether printed or from the cache; the index waits for the whole.
  const pagesLine = (stdout: string) => /\] pages: [\d.]+ s · (.*)/.exec(stdout)?.[1];
  const asWritten = /, 3 as their PDFs were written$/;
  const first = build(env(1));
  expect(first.status, first.stdout + first.stderr).toBe(0);
  // With nothing in the print cache the browser starts at once, before Astro renders, and prints each protocol page as Astro
  // writes it.
  expect(pdfLine(first.stdout)).toBe(
    '3 protocol PDFs (3 printed, 3 of them while Astro rendered, 0 from the print cache) and protocols.pdf, 1 browser launch, started before Astro rendered (the print cache was empty)',
  );
  expect(pagesLine(first.stdout)).toMatch(asWritten);

  const second = build(env(2));
  expect(second.status, second.stdout + second.stderr).toBe(0);
  // Nothing changed: the combined PDF too comes from the cache, not assembled again.
  expect(pdfLine(second.stdout)).toBe('3 protocol PDFs (0 printed, 3 from the print cache) and protocols.pdf (from the print cache), 0 browser launches');
  expect(pagesLine(second.stdout)).toMatch(asWritten);
  for (const file of readdirSync(join(dir, 'printed-dist-1/pdf')))
    expect(readFileSync(join(dir, 'printed-dist-2/pdf', file)).equals(readFileSync(join(dir, 'printed-dist-1/pdf', file))), file).toBe(true);

  // One protocol's text changes: that one is printed again, with the change, and the others come from the cache.
  const protocol = join(center, 'protocols/rna-isolation.mdx');
  writeFileSync(protocol, readFileSync(protocol, 'utf8').replace(/^objective: (.*)$/m, 'objective: $1 Changed for the print cache test.'));
  const third = build(env(3));
  expect(third.status, third.stdout + third.stderr).toBe(0);
  // The browser starts at the first protocol page that needs printing, while Astro renders the rest, and prints that page then.
  expect(pdfLine(third.stdout)).toBe(
    '3 protocol PDFs (1 printed, 1 of them while Astro rendered, 2 from the print cache) and protocols.pdf, 1 browser launch, started while Astro rendered',
  );
  expect(pagesLine(third.stdout)).toMatch(asWritten);
  // The combined PDF is assembled again, with the parts that did not change written again as the last one had them…
  const written = /protocols\.pdf: \d+ pages, \d+ KB, [\d.]+ s, (\d+) of its parts written again from the last combined PDF/.exec(third.stdout);
  expect(written, third.stdout).not.toBeNull();
  expect(Number(written![1])).toBeGreaterThanOrEqual(1);
  // …and comes out as an assembly from scratch of the same prints: the same build with the kept combined PDFs gone.
  for (const name of readdirSync(join(dir, 'printed-cache/pdf'))) if (name.includes('.combined.')) rmSync(join(dir, 'printed-cache/pdf', name));
  const fourth = build(env(4));
  expect(fourth.status, fourth.stdout + fourth.stderr).toBe(0);
  expect(fourth.stdout).toMatch(/protocols\.pdf: \d+ pages, \d+ KB, [\d.]+ s\n/);
  expect(readFileSync(join(dir, 'printed-dist-4/pdf/protocols.pdf')).equals(readFileSync(join(dir, 'printed-dist-3/pdf/protocols.pdf')))).toBe(true);
}, 180_000);

it('a rebuild keeps the HTML of the bodies that did not change, and renders again what an edit or the interface words change', () => {
  const center = join(dir, 'kept');
  cpSync(inject('fixtureContentDir'), center, { recursive: true });
  const env = { SITE_CONTENT_DIR: center, SITE_OUT_DIR: join(dir, 'kept-dist'), SITE_CACHE_DIR: join(dir, 'kept-cache'), SITE_PDF: 'skip' };
  const page = (path: string) => readFileSync(join(dir, 'kept-dist', path, 'index.html'), 'utf8');
  const first = build(env);
  expect(first.status, first.stdout + first.stderr).toBe(0);
  expect(first.stdout).toMatch(/\[diagrams\] 0 rendered, 1 from cache, 0 browser launches\n/);

  // One FAQ's text changes: the page shows the new text; the protocol with the diagram was not rendered again.
  const faq = join(center, 'faq/melt-curve.mdx');
  writeFileSync(faq, `${readFileSync(faq, 'utf8')}\nA sentence added between two builds.\n`);
  const second = build(env);
  expect(second.status, second.stdout + second.stderr).toBe(0);
  expect(page('faq/melt-curve')).toContain('A sentence added between two builds.');
  expect(second.stdout).toMatch(/\[diagrams\] 0 rendered, 0 from cache, 0 browser launches, 1 in pages kept from the last build/);
  expect(second.stdout).not.toMatch(/no longer used/);

  // The center's interface words change what a body's diagram says: every body is rendered again.
  const site = join(center, 'site.yaml');
  writeFileSync(site, `${readFileSync(site, 'utf8')}\nui:\n  diagram.enlarge: Show the diagram larger\n`);
  const third = build(env);
  expect(third.status, third.stdout + third.stderr).toBe(0);
  expect(page('protocols/two-step-rt-qpcr')).toContain('Show the diagram larger');
  expect(third.stdout).toMatch(/\[diagrams\] 0 rendered, 1 from cache, 0 browser launches\n/);

  // The diagram changes: its new render joins the center's cache, and the old one, which nothing uses any more, leaves it
  // (edited diagrams' renders once piled up in the folder committed with the center).
  const renders = () => readdirSync(join(center, '.diagram-cache')).filter((f) => f.endsWith('.json'));
  const [old] = renders();
  const protocol = join(center, 'protocols/two-step-rt-qpcr.mdx');
  writeFileSync(protocol, readFileSync(protocol, 'utf8').replace('A["RNA check"]', 'A["RNA quality check"]'));
  // A browser, for the diagram's render (this file's builds have none unless given one).
  const fourth = build({ ...env, CHROME_PATH: findHeadlessBrowser({})! });
  expect(fourth.status, fourth.stdout + fourth.stderr).toBe(0);
  expect(fourth.stdout).toContain(`removed 1 render no diagram of the center uses any more from ${join(center, '.diagram-cache')}: ${old}`);
  expect(renders()).toHaveLength(1);
  expect(renders()).not.toContain(old);
  // The label's words are tspans of their own.
  expect(page('protocols/two-step-rt-qpcr').replace(/<[^>]+>/g, '')).toContain('RNA qualitycheck');
}, 180_000);

it('keeps the renders nothing uses in a diagram cache given with SITE_DIAGRAM_CACHE, which may serve other centers, and says so', () => {
  const center = join(dir, 'shared-cache-center');
  const shared = join(dir, 'shared-diagram-cache');
  cpSync(inject('fixtureContentDir'), center, { recursive: true });
  cpSync(join(center, '.diagram-cache'), shared, { recursive: true });
  const env = {
    SITE_CONTENT_DIR: center,
    SITE_OUT_DIR: join(dir, 'shared-dist'),
    SITE_CACHE_DIR: join(dir, 'shared-cache'),
    SITE_DIAGRAM_CACHE: shared,
    SITE_PDF: 'skip',
  };
  const [old] = readdirSync(shared).filter((f) => f.endsWith('.json'));
  const protocol = join(center, 'protocols/two-step-rt-qpcr.mdx');
  writeFileSync(protocol, readFileSync(protocol, 'utf8').replace('A["RNA check"]', 'A["RNA check, shared"]'));
  const built = build({ ...env, CHROME_PATH: findHeadlessBrowser({})! });
  expect(built.status, built.stdout + built.stderr).toBe(0);
  expect(built.stdout).toContain(`1 render no diagram of the center uses any more in ${shared}, kept`);
  expect(readdirSync(shared).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  expect(readdirSync(shared)).toContain(old);
}, 120_000);

it('two centers with entries of the same names, built in turn with one diagram cache and one Astro cache, each build their own pages', () => {
  // A team publishing several centers from one template: the same file names in two folders, one diagram cache for all.
  // Astro's content store, kept from the first center's build, took the second center's entries for duplicates of the
  // first's, whose files are still there, and failed the build.
  const first = join(dir, 'template-a');
  const second = join(dir, 'template-b');
  cpSync(inject('fixtureContentDir'), first, { recursive: true });
  cpSync(inject('fixtureContentDir'), second, { recursive: true });
  const faq = join(second, 'faq/melt-curve.mdx');
  writeFileSync(faq, `${readFileSync(faq, 'utf8')}\nOnly the second center says this.\n`);
  const env = (center: string) => ({
    SITE_CONTENT_DIR: center,
    SITE_OUT_DIR: join(dir, 'template-dist'),
    SITE_CACHE_DIR: join(dir, 'template-cache'),
    SITE_DIAGRAM_CACHE: join(dir, 'template-diagrams'),
    SITE_PDF: 'skip',
    CHROME_PATH: findHeadlessBrowser({})!,
  });
  const page = () => readFileSync(join(dir, 'template-dist/faq/melt-curve/index.html'), 'utf8');
  for (const [center, says] of [
    [first, false],
    [second, true],
    [first, false],
  ] as const) {
    const result = build(env(center));
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(page().includes('Only the second center says this.'), center).toBe(says);
  }
}, 180_000);

it('an image beside an entry is optimised by Astro and shown on its page, as CONTRIBUTING.md allows', () => {
  const center = join(dir, 'image');
  cpSync(inject('fixtureContentDir'), center, { recursive: true });
  // A 1 × 1 PNG.
  writeFileSync(
    join(center, 'faq/dot.png'),
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
  );
  appendFileSync(join(center, 'faq/melt-curve.mdx'), '\n![A single dot](./dot.png)\n');
  const result = build({ SITE_CONTENT_DIR: center, SITE_OUT_DIR: join(dir, 'image-dist'), SITE_CACHE_DIR: join(dir, 'image-cache'), SITE_PDF: 'skip' });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  const img = /<img [^>]*alt="A single dot"[^>]*>/.exec(readFileSync(join(dir, 'image-dist/faq/melt-curve/index.html'), 'utf8'))?.[0];
  expect(img).toMatch(/src="\/_astro\/dot\.[^"]+\.webp"/);
  expect(img).toMatch(/width="1"/);
}, 120_000);
