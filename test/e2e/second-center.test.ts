/**
 * The second-topic fixture center in real Chromium: its search finds its own
 * pages (through its own vocabulary too), its run mode and diagrams work, and
 * its pages pass axe.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations } from '../helpers/axe';
import { launchBrowser } from '../helpers/browser';
import { searchBox } from '../helpers/search';

const baseUrl = inject('fixtureBaseUrl');
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  await browser?.close();
});

const search = async (query: string) => (await searchBox(page, query)).results;

describe('a second center in the browser', () => {
  it.each([
    ['melt curve', '/faq/melt-curve/'],
    ['reference genes', '/faq/reference-genes/'],
    ['standard curve efficiency', '/protocols/primer-efficiency/'],
    ['DNase', '/protocols/two-step-rt-qpcr/'],
    // The page about a thing first: the guide whose problem names the no-template control, also through the center's synonym.
    ['no-template control', '/troubleshooting/sybr-green-qpcr/'],
    ['NTC', '/troubleshooting/sybr-green-qpcr/'],
  ])('search for "%s" finds %s in the top 3', async (query, expected) => {
    await page.goto(baseUrl + '/');
    const results = await search(query);
    expect(results.slice(0, 3), results.join(' ')).toContain(expected);
  });

  it('offers only its own sections as search filters', async () => {
    await page.goto(baseUrl + '/');
    await search('qPCR');
    const types = await page.$$eval('#search-filters fieldset', (sets) =>
      sets.filter((f) => f.querySelector('legend')?.textContent === 'Type').flatMap((f) => [...f.querySelectorAll('label')].map((l) => l.textContent!.trim())),
    );
    expect(types).toEqual(['FAQ', 'Troubleshooting', 'Protocol', 'Reference', 'Overview']);
  });

  it('runs a protocol: start a run, tick a step, and it survives a reload', async () => {
    await page.goto(baseUrl + '/protocols/two-step-rt-qpcr/');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('checkbox', { name: 'Done: Check the RNA' }).check();
    await page.reload();
    await expect.poll(() => page.getByRole('checkbox', { name: 'Done: Check the RNA' }).isChecked()).toBe(true);
  });

  it('draws its workflow diagram with every step', async () => {
    await page.goto(baseUrl + '/protocols/two-step-rt-qpcr/');
    // A long label wraps into one <tspan> per line, so the words are compared without the spaces between lines.
    const text = ((await page.locator('figure svg').textContent()) ?? '').replace(/\s+/g, '');
    for (const step of ['RNA check', 'DNase', 'Reverse transcription', 'qPCR and melt curve', 'Normalise and compare'])
      expect(text).toContain(step.replace(/\s+/g, ''));
  });

  it('gives every edge of its diagram an arrowhead that exists, and centres the labels (no SVG attribute lowercased by the HTML parser)', async () => {
    await page.goto(baseUrl + '/protocols/two-step-rt-qpcr/');
    const found = await page.locator('figure svg').evaluate((svg) => {
      const edges = [...svg.querySelectorAll('path.flowchart-link, path[class*="edge"]')];
      const unresolved = edges.filter((p) => {
        const ref = /url\(#([^)]+)\)/.exec(p.getAttribute('marker-end') ?? '')?.[1];
        return !ref || svg.querySelector(`marker[id="${ref}"]`) === null;
      });
      // What the HTML parser makes of camelCase names it does not know: attributes SVG ignores.
      const lowered = [...svg.querySelectorAll('*')].flatMap((el) =>
        [...el.attributes]
          .map((a) => a.name)
          .filter((n) => /^(markerend|markerstart|textanchor|dominantbaseline|strokewidth|strokedasharray|fontsize)$/.test(n)),
      );
      const markerBox = svg.querySelector('marker path')?.getBoundingClientRect();
      return { edges: edges.length, unresolved: unresolved.length, lowered, markerDrawn: svg.querySelector('marker') !== null && markerBox !== undefined };
    });
    expect(found.edges).toBe(4);
    expect(found.unresolved).toBe(0);
    expect(found.lowered).toEqual([]);
    expect(found.markerDrawn).toBe(true);
  });

  it.each(['/', '/faq/amplification-efficiency/', '/troubleshooting/sybr-green-qpcr/', '/protocols/two-step-rt-qpcr/', '/references/'])(
    '%s has no axe violations',
    async (path) => {
      await page.goto(baseUrl + path);
      expect(await axeViolations(page)).toEqual([]);
    },
  );

  it('threw no script error on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
