/**
 * Renders Mermaid diagrams to SVG in headless Chromium, with one browser for
 * the whole build: it starts on the first diagram that is not cached and
 * stays up until `closeMermaidRenderer()` (called when the build ends).
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { findHeadlessBrowser, NO_BROWSER_HINT } from '../lib/find-browser.ts';
import { launchHeadless } from '../lib/launch-browser.ts';
import { MERMAID_CONFIG } from './diagram-theme.ts';

/** A rendered diagram. */
export interface RenderedDiagram {
  svg: string;
  /** From `accTitle`. */
  title?: string;
  /** From `accDescr`. */
  description?: string;
}

/** A diagram mermaid could not parse or render. */
export interface DiagramError {
  /** Mermaid's own message. */
  message: string;
  /** 1-based line within the diagram source, when mermaid names one. */
  line?: number;
}

export type RenderResult = { ok: true; diagram: RenderedDiagram } | { ok: false; error: DiagramError };

const require = createRequire(import.meta.url);

/** The mermaid version that renders; part of every cache key. */
export const MERMAID_VERSION: string = require('mermaid/package.json').version;

/** Pages of the one browser that render in parallel: one per core is where it stops paying off. */
const PAGES = 1;

let session: Promise<{ browser: Browser; pages: Page[] }> | undefined;
/** One queue per page; calls go to the page whose queue was used least recently. */
const queues: Promise<unknown>[] = Array.from({ length: PAGES }, () => Promise.resolve());
let nextQueue = 0;

/** How many browsers this process has launched; the build logs it. */
export const rendererStats = { launches: 0, rendered: 0 };

/**
 * Mermaid's ES-module build, served to the page from node_modules under a made-up origin: the page loads only the chunks its
 * diagrams need instead of the 5.5 MB single-file build, which starts rendering about 0.3 s sooner and gives the same SVG.
 */
const MERMAID_DIST = dirname(require.resolve('mermaid/dist/mermaid.esm.min.mjs'));
const ORIGIN = 'http://mermaid.invalid';

async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = decodeURIComponent(new URL(route.request().url()).pathname);
    if (path === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><html><head></head><body></body></html>' });
    const file = join(MERMAID_DIST, path);
    if (!file.startsWith(MERMAID_DIST + sep)) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ path: file, contentType: 'text/javascript' });
  });
  await page.goto(`${ORIGIN}/`);
  await page.addScriptTag({ type: 'module', content: `import mermaid from '${ORIGIN}/mermaid.esm.min.mjs'; globalThis.mermaid = mermaid;` });
  await page.waitForFunction(() => 'mermaid' in globalThis);
  await page.evaluate((config) => (globalThis as unknown as { mermaid: { initialize(c: unknown): void } }).mermaid.initialize(config), MERMAID_CONFIG);
  return page;
}

async function openSession(): Promise<{ browser: Browser; pages: Page[] }> {
  const executablePath = findHeadlessBrowser();
  if (!executablePath) {
    throw new Error(`Diagrams changed and must be rendered, but ${NO_BROWSER_HINT}`);
  }
  // Loaded on the first diagram that needs a browser, which a build with every diagram cached never reaches. With require(): the
  // config's module runner is closed by the time diagrams render, so a dynamic import() would fail.
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser = await launchHeadless(chromium, executablePath);
  rendererStats.launches++;
  return { browser, pages: await Promise.all(Array.from({ length: PAGES }, () => openPage(browser))) };
}

/** Renders diagrams in order; `ids` become the SVG element ids. Calls queue up on the browser's pages in turn. */
export function renderMermaid(diagrams: { id: string; code: string }[]): Promise<RenderResult[]> {
  const slot = nextQueue;
  nextQueue = (nextQueue + 1) % PAGES;
  const run = async () => {
    session ??= openSession();
    const page = (await session).pages[slot]!;
    const results = await page.evaluate(async (items) => {
      const mermaid = (globalThis as unknown as { mermaid: Mermaid }).mermaid;
      interface Mermaid {
        render(id: string, code: string): Promise<{ svg: string }>;
      }
      const out = [];
      for (const { id, code } of items) {
        try {
          // render() parses first and throws mermaid's own parse error, with its line.
          const { svg } = await mermaid.render(id, code);
          const doc = new DOMParser().parseFromString(svg, 'text/html');
          const root = doc.getElementsByTagName('svg')[0]!;
          const text = (attr: string) => {
            const ref = root.getAttribute(attr);
            return ref ? (doc.getElementById(ref)?.textContent?.trim() ?? undefined) : undefined;
          };
          out.push({ ok: true as const, diagram: { svg, title: text('aria-labelledby'), description: text('aria-describedby') } });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const line = /on line (\d+)/.exec(message)?.[1];
          out.push({ ok: false as const, error: { message, line: line ? Number(line) : undefined } });
        } finally {
          document.getElementById(`d${id}`)?.remove();
        }
      }
      return out;
    }, diagrams);
    rendererStats.rendered += results.filter((r) => r.ok).length;
    return results.map((r): RenderResult => {
      if (r.ok) {
        const { svg, title, description } = r.diagram;
        return { ok: true, diagram: { svg, ...(title ? { title } : {}), ...(description ? { description } : {}) } };
      }
      return { ok: false, error: { message: r.error.message, ...(r.error.line ? { line: r.error.line } : {}) } };
    });
  };
  const next = queues[slot]!.then(run, run);
  queues[slot] = next.catch(() => undefined);
  return next;
}

/** Checks diagrams with mermaid's parser only, in the same browser session: far quicker than a render, and the same errors. */
export function parseMermaid(codes: string[]): Promise<({ ok: true } | { ok: false; error: DiagramError })[]> {
  const slot = nextQueue;
  nextQueue = (nextQueue + 1) % PAGES;
  const run = async () => {
    session ??= openSession();
    const page = (await session).pages[slot]!;
    return page.evaluate(async (items) => {
      const mermaid = (globalThis as unknown as { mermaid: { parse(code: string): Promise<unknown> } }).mermaid;
      const out: ({ ok: true } | { ok: false; error: { message: string; line?: number } })[] = [];
      for (const code of items) {
        try {
          await mermaid.parse(code);
          out.push({ ok: true });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const line = /on line (\d+)/.exec(message)?.[1];
          out.push({ ok: false, error: line ? { message, line: Number(line) } : { message } });
        }
      }
      return out;
    }, codes);
  };
  const next = queues[slot]!.then(run, run);
  queues[slot] = next.catch(() => undefined);
  return next;
}

/** Closes the browser, if one was started. */
export async function closeMermaidRenderer(): Promise<void> {
  const current = session;
  session = undefined;
  if (current) await (await current).browser.close();
}
