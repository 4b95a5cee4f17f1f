/** A center in another language: its tag on every page, its words in place of the English ones, its language for search. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'cheerio';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, expect, inject, it } from 'vitest';
import { loadPage } from '../helpers/built-site';

const dir = mkdtempSync(join(tmpdir(), 'language-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('builds a center with language: de and a ui table of its own', () => {
  const content = join(dir, 'center');
  cpSync('test/fixtures/centers/minimal', content, { recursive: true });
  const site = readFileSync(join(content, 'site.yaml'), 'utf8').replace(/^language: en$/m, 'language: de');
  expect(site).toContain('language: de');
  writeFileSync(
    join(content, 'site.yaml'),
    `${site}\nui:\n  nav.references: Literatur\n  search.filters: Nach Typ und Thema filtern\n  skip.content: Zum Inhalt springen\n` +
      `  searchType.overview: Übersicht\n  searchType.reference: Literaturangabe\n  toc.label: Auf dieser Seite\n  theme.system: 'Design: wie das System'\n` +
      `  theme.title: 'Design wechseln'\n  tool.plotCaption: 'Punkte: Daten; Linien: angepasste Kurven.'\n`,
  );
  const out = join(dir, 'dist');
  const result = spawnSync(process.execPath, ['scripts/build.ts', '--content', content], {
    env: { ...process.env, SITE_OUT_DIR: out, SITE_CACHE_DIR: join(dir, 'cache'), SITE_PDF: 'skip' },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr + result.stdout).toBe(0);
  const $ = loadPage(out, '/');
  expect($('html').attr('lang')).toBe('de');
  expect($('nav[aria-label="Main"] a').last().text()).toBe('Literatur');
  expect($('.skip-link').text()).toBe('Zum Inhalt springen');
  // Search files the pages under the center's names for their kinds; the table of contents, and the theme button speak it too.
  expect($('meta[data-pagefind-filter="type[content]"]').attr('content')).toBe('Übersicht');
  expect(loadPage(out, '/references/')('meta[data-pagefind-filter="type[content]"]').attr('content')).toBe('Literaturangabe');
  expect($('#toc-heading').text()).toBe('Auf dieser Seite');
  expect($('[data-theme-toggle] [data-theme-label]').text()).toBe('Design: wie das System');
  expect($('[data-theme-toggle]').attr('title')).toBe('Design wechseln');
  expect(loadPage(out, '/tools/ic50/')('#ui-strings').text()).toContain('Punkte: Daten; Linien: angepasste Kurven.');
  // The client scripts' words travel with the page, for the search box.
  expect(JSON.parse($('#ui-strings').text())).toMatchObject({ 'search.filters': 'Nach Typ und Thema filtern' });
  // Pagefind indexes the pages as German.
  expect(Object.keys((JSON.parse(readFileSync(join(out, 'pagefind/pagefind-entry.json'), 'utf8')) as { languages: object }).languages)).toEqual(['de']);
});

it('puts no interface table on the pages of a center that keeps the English words', () => {
  expect(loadPage(inject('fixtureDistDir'), '/')('#ui-strings')).toHaveLength(0);
});

it('with every interface word replaced, no English interface phrase is left on any page', async () => {
  const { EN } = await import('../../src/i18n/en');
  const content = join(dir, 'every-word');
  cpSync('test/fixtures/centers/qpcr', content, { recursive: true });
  const replaced = Object.fromEntries(Object.keys(EN).map((key) => [key, `[${key}]`]));
  writeFileSync(join(content, 'site.yaml'), `${readFileSync(join(content, 'site.yaml'), 'utf8')}\nui: ${JSON.stringify(replaced)}\n`);
  const out = join(dir, 'every-word-dist');
  const result = spawnSync(process.execPath, ['scripts/build.ts', '--content', content], {
    env: { ...process.env, SITE_OUT_DIR: out, SITE_CACHE_DIR: join(dir, 'cache-every'), SITE_PDF: 'skip' },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr + result.stdout).toBe(0);
  // Phrases of two words or more: single words ("Data", "Line") may well be the content's own.
  const phrases = Object.values(EN)
    .flatMap((value) => value.split(/\{\w+\}/))
    .map((part) => part.trim())
    .filter((part) => /\S+\s+\S+/.test(part) && /[a-z]/.test(part));
  // A phrase the content itself uses (a page titled "How to cite") is the content's.
  const contentText = readdirSync(content, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(mdx|ya?ml)$/.test(file))
    .map((file) => readFileSync(join(content, file), 'utf8'))
    .join('\n');
  const interfacePhrases = phrases.filter((phrase) => !contentText.includes(phrase));
  expect(interfacePhrases.length).toBeGreaterThan(100);
  const pages = readdirSync(out, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.html'))
    .map((file) => `/${file}`);
  expect(pages.length).toBeGreaterThan(10);
  const left = pages.flatMap((path) => {
    const $ = loadPage(out, path);
    $('#ui-strings').remove();
    const text = `${$('html').text()} ${$('[aria-label], [title], [placeholder], [data-label-system]')
      .map((_, el) => Object.values(el.attribs).join(' '))
      .get()
      .join(' ')}`.replace(/\s+/g, ' ');
    return interfacePhrases.filter((phrase) => text.includes(phrase)).map((phrase) => `${path}: ${phrase}`);
  });
  expect(left).toEqual([]);
  // The offline copy's banner too.
  const [zip] = readdirSync(join(out, 'downloads'));
  const index = Object.entries(unzipSync(readFileSync(join(out, 'downloads', zip!)))).find(([name]) => /^[^/]+\/index\.html$/.test(name))!;
  expect(load(strFromU8(index[1]))('.offline-banner').text()).toBe('[offline.banner] [offline.updates] https://qpcr.example-lab.org');
}, 120_000);
