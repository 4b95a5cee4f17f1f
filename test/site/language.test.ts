/** A center in another language: its tag on every page, its words in place of the English ones, its language for search. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
