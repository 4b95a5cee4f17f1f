/**
 * The site's search as a reader uses it, and Pagefind's raw API as another client of the index would: shared by the search
 * tests of the default center and of the fixture centers.
 */
import type { Page } from 'playwright-core';

/** One result: the page's path and the sections it leads to (the result's own hash and its sub-results'). */
export interface Found {
  path: string;
  sections: string[];
}

export interface BoxAnswer {
  status: string;
  results: string[];
  subResults: string[];
  found: Found[];
}

/** Types a query into the search box and waits for its answer (the status line names the query). */
export async function searchBox(page: Page, query: string): Promise<BoxAnswer> {
  const input = page.locator('#search-input');
  await input.fill('');
  await input.fill(query);
  await page.waitForFunction((q) => (document.getElementById('search-status')?.textContent ?? '').includes(`“${q.slice(0, 200).trim()}”`), query);
  const status = (await page.locator('#search-status').textContent()) ?? '';
  const found = await page.$$eval('#search-results > li.search-result', (items) =>
    items.map((li) => {
      const main = new URL((li.querySelector(':scope > a') as HTMLAnchorElement).href);
      const subs = [...li.querySelectorAll<HTMLAnchorElement>('.search-subresults a')].map((a) => new URL(a.href).hash.slice(1));
      return { path: main.pathname, sections: [main.hash.slice(1), ...subs].filter(Boolean) };
    }),
  );
  const subResults = await page.$$eval('#search-results .search-subresults a', (as) =>
    as.map((a) => {
      const url = new URL((a as HTMLAnchorElement).href);
      return url.pathname + url.hash;
    }),
  );
  return { status, results: found.map((f) => f.path), subResults, found };
}

/**
 * Pagefind's own API, as a lab intranet or Pagefind's UI would call it: pagefind.js imported on a page that never loaded the
 * site's search box, default options, the query as typed.
 */
export async function searchRaw(page: Page, queries: string[], limit = 8): Promise<Found[][]> {
  // Written as text: a function here would have its import() rewritten by the test runner's module loader.
  return page.evaluate(`(async () => {
    const queries = ${JSON.stringify(queries)};
    const pagefind = await import(new URL('/pagefind/pagefind.js', location.href).href);
    await pagefind.init();
    const out = [];
    for (const query of queries) {
      const response = await pagefind.search(query);
      const top = await Promise.all((response ? response.results : []).slice(0, ${limit}).map((r) => r.data()));
      out.push(top.map((d) => ({
        path: new URL(d.url, location.href).pathname,
        sections: d.sub_results.map((s) => new URL(s.url, location.href).hash.slice(1)).filter(Boolean),
      })));
    }
    return out;
  })()`);
}

/** 1-based place of the first result that is the expected page (and leads to its section, when one is expected); 0 when none. */
export function placeOf(found: readonly Found[], page: string, section?: string): number {
  const index = found.findIndex((f) => f.path === page && (!section || f.sections.includes(section)));
  return index + 1;
}
