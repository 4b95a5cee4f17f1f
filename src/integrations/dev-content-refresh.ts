/**
 * `astro dev`: an edit that reached Astro's content store must reach the pages, even when the store was written while a page was
 * being rendered.
 *
 * Astro's dev server writes its content store (`.astro/data-store.json`) half a second after an edit and then drops the store's
 * module from the server's module cache, so the next page reads it again. A page being rendered at that moment (search indexing
 * on the dev server asks for every page, the open page's reload, an author's second tab) can finish loading the store as it was
 * before the write, after the drop; every page after it then shows the old text, until the next edit. Seen in about one edit in
 * fifteen right after the server started, on a busy machine; the next edit showed both.
 *
 * So when the store is written while a page was being served, this waits until no page is being served and touches the file:
 * Astro takes that as a change made outside it, drops the store's module again, and reloads the open pages, which then read the
 * store as it is now on disk. A write with no page served around it changes nothing here, and neither does the touch's own event:
 * a page that starts after the touch reads the file as it is. Every request counts as a page being served (the dev server's
 * own modules and assets too): counting too many only makes a touch more likely, never an edit lost.
 */
import { statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ViteDevServer } from 'vite';

/** How long before the store's write a page that was being served still counts: the file's event comes a little after the write. */
const AROUND_MS = 1000;
/** Astro takes a change to the store's file within a second of its own write for the echo of that write, and ignores it. */
const ECHO_MS = 1100;
/** How often a waiting touch looks again whether pages are still being served. */
const POLL_MS = 50;

export interface ContentRefresh {
  /** The dev server is stopping: a touch still waiting is not made. */
  stop(): void;
}

/**
 * Watches the dev server's content store (in `root`'s `.astro` folder) and the pages it serves; `refreshed` is called after each
 * touch, once the pages read the store again (the dev search index reads them again then).
 */
export function refreshRacedContent(server: ViteDevServer, root: string, refreshed: () => void): ContentRefresh {
  const store = resolve(join(root, '.astro', 'data-store.json'));
  let serving = 0;
  let lastServed = -Infinity;
  /** When Astro last wrote the store (its event came). */
  let lastWrite = -Infinity;
  /** Whether a touch waits for a quiet moment after that write. */
  let waiting = false;
  let stopped = false;
  /** The modification time this module's last touch gave the file: an event that finds it there is that touch's own. */
  let touchedMtime: number | undefined;

  server.middlewares.use((_req, res, next) => {
    serving++;
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      serving--;
      lastServed = performance.now();
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  });

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

  /** Waits until a little over a second after Astro's latest write (a later write moves that) and no page is being served. */
  const touchWhenQuiet = async () => {
    waiting = true;
    try {
      for (;;) {
        if (stopped) return;
        const wait = lastWrite + ECHO_MS - performance.now();
        if (wait <= 0 && serving === 0) break;
        await sleep(Math.max(wait, POLL_MS));
      }
      const now = new Date();
      try {
        utimesSync(store, now, now);
        touchedMtime = statSync(store).mtimeMs;
      } catch {
        // The store is gone (its folder was emptied): the next write makes it again.
        return;
      }
      refreshed();
    } finally {
      waiting = false;
    }
  };

  const onStore = (path: string) => {
    if (stopped || resolve(path) !== store) return;
    const mtime = statSync(store, { throwIfNoEntry: false })?.mtimeMs;
    if (mtime === undefined || mtime === touchedMtime) return;
    lastWrite = performance.now();
    if (waiting) return; // the waiting touch now waits from this write
    if (serving > 0 || lastWrite - lastServed < AROUND_MS) void touchWhenQuiet();
  };
  server.watcher.on('change', onStore);
  server.watcher.on('add', onStore);
  return {
    stop: () => {
      stopped = true;
      server.watcher.off('change', onStore);
      server.watcher.off('add', onStore);
    },
  };
}
