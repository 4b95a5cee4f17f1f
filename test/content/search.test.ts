/**
 * Search in real Chromium against the built site: the vocabulary, ranking,
 * sub-results, filters, keyboard use, hostile input, lazy loading, axe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe';
import { launchBrowser } from '../helpers/browser';
import { searchBox } from '../helpers/search';

const baseUrl = inject('baseUrl');
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(baseUrl + '/faq/');
});
afterAll(async () => {
  await browser?.close();
});

/** Types a query the way a reader does and returns the result links, in order. */
const search = (query: string) => searchBox(page, query);

/** What researchers type, and the page that must come in the top 3. */
const QUERIES: [query: string, expected: string][] = [
  ['p-Akt', '/protocols/western-blot-p-akt/'],
  ['pAkt', '/protocols/western-blot-p-akt/'],
  ['phospho-Akt', '/protocols/western-blot-p-akt/'],
  ['phosphorylated Akt', '/protocols/western-blot-p-akt/'],
  ['Ser473', '/protocols/western-blot-p-akt/'],
  ['trastuzumab resistant cell lines', '/protocols/resistant-cell-lines/'],
  ['co-IP', '/troubleshooting/co-immunoprecipitation/'],
  ['CoIP', '/troubleshooting/co-immunoprecipitation/'],
  ['coimmunoprecipitation', '/troubleshooting/co-immunoprecipitation/'],
  ['antigen retrieval', '/protocols/ihc-ffpe/'],
  ['HIER', '/protocols/ihc-ffpe/'],
  ['high background', '/troubleshooting/western-blot-phospho/'],
  ['IHC', '/protocols/ihc-ffpe/'],
  ['immunohistochemistry p95', '/protocols/ihc-ffpe/'],
  ['WB blocking buffer', '/protocols/western-blot-p-akt/'],
  ['truncated HER2', '/faq/p95her2/'],
  ['ErbB2 extracellular domain', '/faq/p95her2/'],
  ['p95', '/faq/p95her2/'],
  ['IC50', '/data/'],
  ['IC₅₀ parental', '/protocols/resistant-cell-lines/'],
  ['trastuzamab maintenance', '/troubleshooting/resistant-cell-lines/'],
  ['phosphatse inhibitors', '/troubleshooting/western-blot-phospho/'],
  ['antigen retreival', '/protocols/ihc-ffpe/'],
  ['PTEN loss', '/faq/pi3k-akt-pathway/'],
  ['MUC4', '/faq/primary-mechanisms/'],
  ['IGF1R', '/faq/primary-mechanisms/'],
  ['BT-474', '/data/'],
  ['casein milk', '/troubleshooting/western-blot-phospho/'],
  ['pre-clear lysate', '/troubleshooting/co-immunoprecipitation/'],
  ['NP-40', '/troubleshooting/co-immunoprecipitation/'],
  ['hydrogen peroxide', '/protocols/ihc-ffpe/'],
  ['H2O2', '/protocols/ihc-ffpe/'],
  ['how to cite', '/'],
];

describe('search finds what researchers type', () => {
  it.each(QUERIES)('%s → %s in the top 3', async (query, expected) => {
    const { results } = await search(query);
    expect(results.slice(0, 3), `results: ${results.join(', ')}`).toContain(expected);
  });

  it('corrects a misspelling and says so', async () => {
    const { status } = await search('trastuzamab');
    expect(status).toMatch(/^No results for “trastuzamab”; showing \d+ for “trastuzumab”\.$/);
  });

  it.each([
    ['high background', '/troubleshooting/western-blot-phospho/#high-background'],
    ['antigen retrieval', '/protocols/ihc-ffpe/#antigen-retrieval'],
    ['pre-clear', '/troubleshooting/co-immunoprecipitation/#nonspecific-bead-binding'],
    ['gentle agitation', '/protocols/western-blot-p-akt/#primary-antibody'],
  ])('sub-results for %s lead to the exact section %s', async (query, section) => {
    const { subResults } = await search(query);
    expect(subResults).toContain(section);
  });

  it('filters by content type, behind one folded line that says which filters are on', async () => {
    await search('western blot');
    const summary = page.locator('#search-filters summary');
    expect(await page.locator('#search-filters details').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await summary.textContent()).toBe('Filters: all types and topics');
    await summary.click();
    await page.getByRole('checkbox', { name: 'Protocol' }).check();
    expect(await summary.textContent()).toBe('Filters: Protocol');
    await page.waitForFunction(() => document.querySelectorAll('#search-results .search-result-type').length > 0);
    await page.waitForTimeout(200);
    const types = await page.$$eval('#search-results > li .search-result-type', (els) => els.map((e) => e.textContent));
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['Protocol']));
    await page.getByRole('checkbox', { name: 'Protocol' }).uncheck();
    expect(await summary.textContent()).toBe('Filters: all types and topics');
    await summary.click();
  });

  it.each([
    [1280, 800, 5],
    [360, 740, 3],
  ])('at %i × %i px shows at least %i whole results without scrolling', async (width, height, least) => {
    const fresh = await browser.newPage({ viewport: { width, height } });
    await fresh.goto(baseUrl + '/faq/');
    const { found } = await searchBox(fresh, 'antibody');
    expect(found.length).toBeGreaterThanOrEqual(least);
    const visible = await fresh.$$eval('#search-results > li.search-result', (items) => {
      const panel = document.getElementById('search-panel')!.getBoundingClientRect();
      const bottom = Math.min(panel.bottom, window.innerHeight);
      return items.filter((li) => {
        const box = li.getBoundingClientRect();
        return box.top >= panel.top && box.bottom <= bottom + 1;
      }).length;
    });
    await fresh.close();
    expect(visible).toBeGreaterThanOrEqual(least);
  });

  it('when no page has every word, shows the pages with most of them and says so', async () => {
    // Xylene is in the IHC protocol only, ECL in the Western blot protocol only.
    const { status, results } = await search('xylene ECL');
    expect(status).toMatch(/^No page has every word of “xylene ECL”; showing \d+ that have most of them\.$/);
    expect(results.slice(0, 2).sort()).toEqual(['/protocols/ihc-ffpe/', '/protocols/western-blot-p-akt/']);
  });

  it('finds the step for bench shorthand with words no page has', async () => {
    const { found } = await searchBox(page, 'anti rabbit HRP secondary 1 h RT');
    expect(found[0]).toEqual({ path: '/protocols/western-blot-p-akt/', sections: expect.arrayContaining(['secondary-antibody']) });
  });

  it('offers the closest spelling when a misspelt word is left out beside a known one', async () => {
    const { results } = await search('trastuzamab xylene');
    expect(results[0]).toBe('/protocols/ihc-ffpe/');
    const suggestion = page.locator('.search-suggestion');
    expect(await suggestion.textContent()).toBe('Did you mean “trastuzumab xylene”?');
    await suggestion.click();
    await page.waitForFunction(() => document.getElementById('search-status')?.textContent?.includes('“trastuzumab xylene”'));
    expect(await page.locator('#search-input').inputValue()).toBe('trastuzumab xylene');
  });

  it('marks in the excerpts the words that match, not words that merely start like a short part of the query', async () => {
    await search('co-IP');
    const marks = await page.$$eval('#search-results mark', (ms) => ms.map((m) => m.textContent!.toLowerCase()));
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.filter((m) => !/^(co|ip|co-ip|coip|co-immunoprecipitation|immunoprecipitation|immunoprecipitat\w*)$/.test(m))).toEqual([]);
  });

  it('a query that finds nothing gets a helpful message', async () => {
    const { status, results } = await search('zzqxv');
    expect(results).toEqual([]);
    expect(status).toMatch(/^No results for “zzqxv”\. Try fewer or more general words/);
  });

  it.each(['"', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'x'.repeat(500), '\\', '(*)[]{}', "' OR 1=1 --"])(
    'the query %j neither throws nor injects markup',
    async (query) => {
      const before = await page.evaluate(() => document.querySelectorAll('script, img, iframe').length);
      const { status } = await search(query);
      expect(status.length).toBeGreaterThan(0);
      expect(await page.evaluate(() => document.querySelectorAll('script, img, iframe').length)).toBe(before);
      expect(pageErrors).toEqual([]);
    },
  );
});

describe('the search box', () => {
  it('loads no search code until the reader starts to search', async () => {
    const fresh = await browser.newPage();
    const requested: string[] = [];
    fresh.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await fresh.goto(baseUrl + '/protocols/ihc-ffpe/');
    await fresh.waitForLoadState('networkidle');
    expect(requested.filter((u) => /pagefind|\/search\//.test(u))).toEqual([]);
    await fresh.locator('#search-input').focus();
    await fresh.waitForFunction(() => (window as unknown as { hrsSearch?: { ready: Promise<void> } }).hrsSearch?.ready);
    await fresh.evaluate(() => (window as unknown as { hrsSearch: { ready: Promise<void> } }).hrsSearch.ready);
    expect(requested).toContain('/search/search.js');
    expect(requested.some((u) => u.startsWith('/pagefind/'))).toBe(true);
    await fresh.close();
  });

  it.each([['/'], ['Control+k']])('the %s shortcut focuses the box from anywhere on the page', async (keys) => {
    const fresh = await browser.newPage();
    await fresh.goto(baseUrl + '/references/');
    await fresh.locator('main h1').click();
    await fresh.keyboard.press(keys);
    expect(await fresh.evaluate(() => document.activeElement?.id)).toBe('search-input');
    await fresh.close();
  });

  it('works from the keyboard alone, and the opened page marks the searched terms', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(baseUrl + '/');
    await fresh.keyboard.press('/');
    await fresh.keyboard.type('antigen retrieval');
    // Results for a partial query ("antigen r") may show first and be replaced under the focus: wait for the whole query's.
    await fresh.waitForFunction(() => document.getElementById('search-status')?.textContent?.includes('“antigen retrieval”'));
    await fresh.waitForSelector('#search-results a');
    await fresh.keyboard.press('ArrowDown');
    const focused = await fresh.evaluate(() => (document.activeElement as HTMLAnchorElement).href);
    expect(new URL(focused).pathname).toBe('/protocols/ihc-ffpe/');
    await fresh.keyboard.press('ArrowDown');
    await fresh.keyboard.press('ArrowUp');
    expect(await fresh.evaluate(() => (document.activeElement as HTMLAnchorElement).href)).toBe(focused);
    await Promise.all([fresh.waitForURL(/\/protocols\/ihc-ffpe\//), fresh.keyboard.press('Enter')]);
    await fresh.waitForSelector('main mark.search-hit');
    const marks = await fresh.$$eval('main mark.search-hit', (ms) => ms.map((m) => m.textContent!.toLowerCase()));
    expect(marks).toContain('antigen retrieval');
    await fresh.close();
  });

  it('Escape closes the results and returns focus to the box', async () => {
    await search('MUC4');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Escape');
    expect(await page.locator('#search-panel').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-input');
  });

  it.each(['light', 'dark'] as const)('has no axe violations with results and filters open (%s)', async (scheme) => {
    await page.emulateMedia({ colorScheme: scheme });
    await search('p-Akt');
    expect(await axeViolations(page, '.site-header')).toEqual([]);
  });
});
