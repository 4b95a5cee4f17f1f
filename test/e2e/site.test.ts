/**
 * A built center (the RT-qPCR fixture) in real headless Chromium: a reader can
 * reach every page, the theme choice sticks without a flash, narrow phones and
 * print work, and nothing is requested from another origin.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listFiles, urlOf } from '../helpers/built-site';
import { axeViolations } from '../helpers/axe';
import { launchBrowser } from '../helpers/browser';
import { contrastRatio } from '../helpers/contrast';

const baseUrl = inject('fixtureBaseUrl');
const distDir = inject('fixtureDistDir');
const pagePaths = listFiles(distDir)
  .filter((f) => f.endsWith('.html') && f !== '404.html')
  .map(urlOf)
  .sort();

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function withPage<T>(run: (page: Page) => Promise<T>, options: Parameters<Browser['newPage']>[0] = {}): Promise<T> {
  const page = await browser.newPage(options);
  try {
    return await run(page);
  } finally {
    await page.close();
  }
}

describe('navigation', () => {
  it('following links from the home page reaches every page, and every request stays on the site', async () => {
    const requests: string[] = [];
    const reached = await withPage(async (page) => {
      page.on('request', (r) => requests.push(r.url()));
      const seen = new Set<string>(['/']);
      const queue = ['/'];
      while (queue.length > 0) {
        const path = queue.shift()!;
        const response = await page.goto(baseUrl + path);
        expect(response?.status(), path).toBe(200);
        const links = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
        for (const href of links) {
          const url = new URL(href);
          if (url.origin !== baseUrl || !url.pathname.endsWith('/')) continue;
          if (!seen.has(url.pathname)) {
            seen.add(url.pathname);
            queue.push(url.pathname);
          }
        }
      }
      return [...seen].sort();
    });
    expect(reached).toEqual(pagePaths);
    expect(requests.filter((u) => !u.startsWith(baseUrl + '/'))).toEqual([]);
  });

  it('the header navigation opens each section and marks it as current', async () => {
    await withPage(async (page) => {
      await page.goto(baseUrl + '/');
      for (const label of ['FAQ', 'Troubleshooting', 'Protocols', 'References']) {
        const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true });
        const href = (await link.getAttribute('href'))!;
        await Promise.all([page.waitForURL(baseUrl + href), link.click()]);
        expect(await page.locator('nav[aria-label="Main"] [aria-current="page"]').textContent()).toBe(label);
        expect(await page.locator('h1').count()).toBe(1);
      }
    });
  });

  it('protocols link to each other with previous and next', async () => {
    await withPage(async (page) => {
      await page.goto(baseUrl + '/protocols/');
      /** Follows a link and waits until its page has loaded. */
      const follow = async (link: ReturnType<Page['locator']>) => {
        const href = (await link.getAttribute('href'))!;
        await Promise.all([page.waitForURL(baseUrl + href), link.click()]);
      };
      await follow(page.locator('main a[href^="/protocols/"]').first());
      const titles = [await page.locator('h1').textContent()];
      while ((await page.locator('a[rel="next"]').count()) > 0) {
        await follow(page.locator('a[rel="next"]'));
        titles.push(await page.locator('h1').textContent());
      }
      expect(titles).toEqual(['Protocol 1', 'Protocol 2', 'Protocol 3'].map((p) => expect.stringContaining(p)));
    });
  });

  it('a citation marker jumps to its reference at the end of the page', async () => {
    await withPage(async (page) => {
      await page.goto(baseUrl + '/faq/amplification-efficiency/');
      const marker = page.locator('main .prose sup.cite a').first();
      const number = await marker.textContent();
      await marker.click();
      const target = page.locator('li:target');
      await page.waitForFunction(() => document.querySelector('li:target') !== null);
      expect(await target.getAttribute('value')).toBe(number);
      expect(await target.isVisible()).toBe(true);
    });
  });

  it('the first Tab reaches the skip link, which moves focus to the content', async () => {
    await withPage(async (page) => {
      await page.goto(baseUrl + '/protocols/primer-efficiency/');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await page.keyboard.press('Enter');
      // The fragment navigation lands after the key press returns; under load it once took longer than the next line.
      await expect.poll(() => new URL(page.url()).hash).toBe('#main');
    });
  });
});

describe('citing', () => {
  it('the copy button puts the citation on the clipboard', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(baseUrl + '/');
    await page.getByRole('button', { name: 'Copy citation' }).click();
    await page.waitForFunction(() => document.querySelector('.copy-status')?.textContent === 'Copied to the clipboard.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(
      /^Example Lab Core Facility\. RT-qPCR Gene Expression Support Center\. Example Lab, 2026\. Website\. Available at: https:\/\/qpcr\.example-lab\.org\/$/,
    );
    await context.close();
  });

  it('where the clipboard is refused, it selects the citation and says how to copy it', async () => {
    await withPage(async (page) => {
      await page.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
      await page.goto(baseUrl + '/');
      await page.getByRole('button', { name: 'Copy citation' }).click();
      expect(await page.locator('.copy-status').textContent()).toBe('Selected: press Ctrl+C (or Cmd+C) to copy.');
      expect(await page.evaluate(() => window.getSelection()?.toString())).toContain('RT-qPCR Gene Expression Support Center. Example Lab, 2026.');
    });
  });
});

describe('theme', () => {
  /** Records the theme attribute at the moment <body> starts, i.e. before first paint. */
  const recordThemeAtBody = () => {
    new MutationObserver((_, observer) => {
      if (document.body) {
        (window as unknown as { themeAtBody: string | null }).themeAtBody = document.documentElement.getAttribute('data-theme');
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  };

  it('the toggle switches the theme, and the choice survives reloads and other pages with no flash', async () => {
    await withPage(
      async (page) => {
        await page.addInitScript(recordThemeAtBody);
        await page.goto(baseUrl + '/');
        const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(await background()).toBe('rgb(255, 255, 255)');
        const toggle = page.locator('[data-theme-toggle]');
        expect(await toggle.getAttribute('title')).toBe('Switch the theme: as the system, dark, light');
        await expect.poll(() => toggle.evaluate((b) => b.textContent!.trim())).toBe('Theme: as the system');

        await toggle.click();
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
        expect(await background()).toBe('rgb(20, 24, 29)');
        expect(await page.getByRole('button', { name: 'Theme: dark' }).count()).toBe(1);

        await page.reload();
        expect(await page.evaluate(() => (window as unknown as { themeAtBody: string }).themeAtBody)).toBe('dark');
        expect(await background()).toBe('rgb(20, 24, 29)');
        expect(await page.getByRole('button', { name: 'Theme: dark' }).count()).toBe(1);

        await page.goto(baseUrl + '/references/');
        expect(await page.evaluate(() => (window as unknown as { themeAtBody: string }).themeAtBody)).toBe('dark');

        await page.locator('[data-theme-toggle]').click();
        await page.reload();
        expect(await background()).toBe('rgb(255, 255, 255)');
        expect(await page.getByRole('button', { name: 'Theme: light' }).count()).toBe(1);
      },
      { colorScheme: 'light' },
    );
  });

  // Chromium, on a copy opened from file://, now and then loses a localStorage write made shortly before a reload (README, run
  // mode): the tab's own copy keeps the choice, and a later choice made in another tab still wins over this tab's.
  it('keeps the choice when the browser lost its copy, with no flash, and takes a later choice from another tab', async () => {
    // Two tabs of one browser: they share localStorage, and each has its own sessionStorage.
    const context = await browser.newContext({ colorScheme: 'light' });
    try {
      const page = await context.newPage();
      await page.addInitScript(recordThemeAtBody);
      await page.goto(baseUrl + '/faq/');
      await page.locator('[data-theme-toggle]').click();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await page.evaluate(() => {
        localStorage.removeItem('theme');
        localStorage.removeItem('theme-saved');
      });
      await page.reload();
      expect(await page.evaluate(() => (window as unknown as { themeAtBody: string }).themeAtBody)).toBe('dark');
      expect(await page.getByRole('button', { name: 'Theme: dark' }).count()).toBe(1);
      // The browser's copy is written again from the tab's.
      expect(await page.evaluate(() => localStorage.getItem('theme'))).toBe('dark');

      const other = await context.newPage();
      await other.goto(baseUrl + '/references/');
      expect(await other.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await other.locator('[data-theme-toggle]').click(); // light
      expect(await other.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
      await page.reload();
      expect(await page.evaluate(() => (window as unknown as { themeAtBody: string | null }).themeAtBody)).toBe('light');
    } finally {
      await context.close();
    }
  });

  it('goes back to following the system on the third click, and then follows it when it changes', async () => {
    await withPage(
      async (page) => {
        await page.goto(baseUrl + '/faq/');
        const toggle = page.locator('[data-theme-toggle]');
        await toggle.click(); // dark
        await toggle.click(); // light, chosen: it stays light when the system turns dark
        await page.emulateMedia({ colorScheme: 'dark' });
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
        await page.emulateMedia({ colorScheme: 'light' });
        await toggle.click(); // as the system
        expect(await page.getByRole('button', { name: 'Theme: as the system' }).count()).toBe(1);
        expect(await page.evaluate(() => [document.documentElement.getAttribute('data-theme'), localStorage.getItem('theme')])).toEqual([null, null]);
        await page.emulateMedia({ colorScheme: 'dark' });
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 24, 29)');
      },
      { colorScheme: 'light' },
    );
  });

  it('follows the system dark preference when no choice was made, and its first click goes light', async () => {
    await withPage(
      async (page) => {
        await page.goto(baseUrl + '/faq/');
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 24, 29)');
        await page.getByRole('button', { name: 'Theme: as the system' }).click();
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
      },
      { colorScheme: 'dark' },
    );
  });
});

describe('diagrams', () => {
  /** Computed colours of every node shape with its label, and of every edge label against the diagram background. */
  const diagramColours = (page: Page) =>
    page.evaluate(() => {
      const fill = (el: Element) => getComputedStyle(el).fill;
      const nodes = [...document.querySelectorAll('figure.diagram .node')].map((node) => {
        const shape = node.querySelector('rect, polygon, path, circle')!;
        const text = node.querySelector('text')!;
        return { label: text.textContent, background: fill(shape), text: fill(text) };
      });
      const background = getComputedStyle(document.querySelector('.diagram-scroll')!).backgroundColor;
      const edgeLabels = [...document.querySelectorAll('figure.diagram .edgeLabel text')].map((t) => ({ label: t.textContent, text: fill(t), background }));
      return [...nodes, ...edgeLabels];
    });

  it.each(['/protocols/two-step-rt-qpcr/'])('%s: colours follow the theme toggle, and text contrast is at least 4.5:1 in both themes', async (path) => {
    await withPage(
      async (page) => {
        await page.goto(baseUrl + path);
        const light = await diagramColours(page);
        await page.locator('[data-theme-toggle]').click();
        const dark = await diagramColours(page);
        // Five steps and two labelled arrows. A long label wraps into one <tspan> per line: compared without the spaces between lines.
        expect(light.map((c) => c.label!.replace(/\s+/g, ''))).toEqual(
          ['RNA check', 'DNase', 'Reverse transcription', 'qPCR and melt curve', 'Normalise and compare', 'cDNA', 'Ct values'].map((l) =>
            l.replace(/\s+/g, ''),
          ),
        );
        expect(dark.map((c) => c.background)).not.toEqual(light.map((c) => c.background));
        expect(dark.map((c) => c.text)).not.toEqual(light.map((c) => c.text));
        const weak = [...light, ...dark].filter((c) => contrastRatio(c.text, c.background) < 4.5).map((c) => `${c.label}: ${c.text} on ${c.background}`);
        expect(weak).toEqual([]);
      },
      { colorScheme: 'light' },
    );
  });

  it('a wide diagram fits a 360 px phone whole, and its Enlarge button makes it legible, scrolling inside its frame, never cut off', async () => {
    await withPage(
      async (page) => {
        await page.goto(baseUrl + '/protocols/two-step-rt-qpcr/');
        const frame = page.locator('figure.diagram .diagram-scroll').first();
        const sizes = () => frame.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
        const labelHeight = () => frame.evaluate((el) => el.querySelector('.node text, .node foreignObject, .nodeLabel')!.getBoundingClientRect().height);
        const fitted = await sizes();
        expect(fitted.scrollWidth).toBeLessThanOrEqual(fitted.clientWidth + 1);
        const small = await labelHeight();
        const button = page.getByRole('button', { name: 'Enlarge the diagram' });
        expect(await button.getAttribute('aria-pressed')).toBe('false');
        await button.click();
        expect(await button.getAttribute('aria-pressed')).toBe('true');
        expect(await labelHeight()).toBeGreaterThan(small * 1.3);
        const { scrollWidth, clientWidth } = await sizes();
        expect(scrollWidth).toBeGreaterThan(clientWidth);
        await frame.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
        const svgBox = await frame.locator('svg').boundingBox();
        const frameBox = await frame.boundingBox();
        expect(svgBox!.x + svgBox!.width).toBeLessThanOrEqual(frameBox!.x + frameBox!.width + 1);
      },
      { viewport: { width: 360, height: 740 } },
    );
  });

  it('opens the text description of a diagram for printing, and closes it again after', async () => {
    await withPage(async (page) => {
      await page.goto(baseUrl + '/protocols/two-step-rt-qpcr/');
      const open = () => page.$$eval('details.diagram-text', (ds) => ds.map((d) => (d as HTMLDetailsElement).open));
      expect(await open()).toEqual([false]);
      await page.evaluate(() => dispatchEvent(new Event('beforeprint')));
      expect(await open()).toEqual([true]);
      await page.evaluate(() => dispatchEvent(new Event('afterprint')));
      expect(await open()).toEqual([false]);
    });
  });

  it('prints in light colours even when the reader chose dark', async () => {
    await withPage(async (page) => {
      await page.goto(baseUrl + '/protocols/two-step-rt-qpcr/');
      await page.locator('[data-theme-toggle]').click();
      await page.emulateMedia({ media: 'print' });
      const [node] = await diagramColours(page);
      expect(node!.text).toBe('rgb(27, 31, 36)');
      expect(contrastRatio(node!.text, node!.background)).toBeGreaterThan(7);
    });
  });
});

describe('layout', () => {
  it('no page scrolls sideways on a 360 px phone', async () => {
    await withPage(
      async (page) => {
        const overflowing: string[] = [];
        for (const path of pagePaths) {
          await page.goto(baseUrl + path);
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          if (width > 360) overflowing.push(`${path} (${width}px)`);
        }
        expect(overflowing).toEqual([]);
      },
      { viewport: { width: 360, height: 740 } },
    );
  });

  it('on a 360 px phone the header takes at most 150 px, and the sections fit in one row', async () => {
    await withPage(
      async (page) => {
        await page.goto(baseUrl + '/');
        const { header, rows } = await page.evaluate(() => ({
          header: document.querySelector('.site-header')!.getBoundingClientRect().height,
          rows: new Set([...document.querySelectorAll('.site-header nav li')].map((li) => Math.round(li.getBoundingClientRect().top))).size,
        }));
        expect(header).toBeLessThanOrEqual(150);
        expect(rows).toBe(1);
      },
      { viewport: { width: 360, height: 740 } },
    );
  });

  it.each(['/faq/melt-curve/', '/references/', '/protocols/two-step-rt-qpcr/', '/'])(
    '%s: at 360 px every control outside running text is at least 24 px high (back links and citation downloads 24 px wide too), and axe finds no small target',
    async (path) => {
      await withPage(
        async (page) => {
          await page.goto(baseUrl + path);
          const small = await page.evaluate(() =>
            [...document.querySelectorAll('.cite-downloads a, .back-link, .toc li > a, summary, .site-header nav a, .cited-in li > a, .prev-next a, button')]
              .map((el) => ({ el, box: el.getBoundingClientRect() }))
              .filter(({ box }) => box.width > 0)
              .filter(({ el, box }) => box.height < 24 || (el.matches('.back-link, .cite-downloads a') && box.width < 24))
              .map(
                ({ el, box }) => `${el.className || el.tagName} "${el.textContent!.trim().slice(0, 20)}" ${Math.round(box.width)}×${Math.round(box.height)}`,
              ),
          );
          expect(small).toEqual([]);
          expect(await axeViolations(page, undefined, ['target-size'])).toEqual([]);
        },
        { viewport: { width: 360, height: 740 } },
      );
    },
  );

  it('print drops the navigation, prints light, and shows where outside links go', async () => {
    await withPage(
      async (page) => {
        await page.goto(baseUrl + '/protocols/two-step-rt-qpcr/');
        await page.emulateMedia({ media: 'print' });
        expect(await page.locator('.site-header').isVisible()).toBe(false);
        expect(await page.locator('.toc').isVisible()).toBe(false);
        expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
        // A path inside the site means nothing on paper; it is not printed.
        const inside = await page.evaluate(() => getComputedStyle(document.querySelector('main .meta a')!, '::after').content);
        expect(inside).toBe('none');
        await page.goto(baseUrl + '/');
        await page.emulateMedia({ media: 'print' });
        const outside = await page.evaluate(() => getComputedStyle(document.querySelector('main a[href^="https://doi.org/"]')!, '::after').content);
        expect(outside).toBe('" (https://doi.org/10.1373/clinchem.2008.112797)"');
        // The home page prints without its download box and copy button, which mean nothing on paper.
        expect(await page.locator('[data-bundle-download]').count()).toBe(1);
        expect(await page.locator('[data-bundle-download]').isVisible()).toBe(false);
        expect(await page.locator('.copy-button').count()).toBe(1);
        expect(await page.locator('.copy-button').isVisible()).toBe(false);
      },
      { colorScheme: 'dark' },
    );
  });
});
