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
 * store as it is now. A write with no page served around it changes nothing here.
 */
import { utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ViteDevServer } from 'vite';

/** How long before the store's write a page that was being served still counts: the file's event comes a little after the write. */
const AROUND_MS = 1000;
/** Astro takes a change to the store's file within a second of its own write for the echo of that write, and ignores it. */
const ECHO_MS = 1100;
/** Touches in a row for one write, when pages are served again around each touch; then the next edit is left to mend it. */
const MAX_TOUCHES = 3;

export interface ContentRefresh {
  /** Pages being served now. */
  serving(): number;
}

/**
 * Watches the dev server's content store (in `root`'s `.astro` folder) and the pages it serves; `refreshed` is called after each
 * touch, once the pages read the store again (the dev search index reads them again then).
 */
export function refreshRacedContent(server: ViteDevServer, root: string, refreshed: () => void): ContentRefresh {
  const store = resolve(join(root, '.astro', 'data-store.json'));
  let serving = 0;
  let lastServed = 0;
  let touching = false;
  let touches = 0;
  let ownTouch = false;

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

  const raced = () => serving > 0 || performance.now() - lastServed < AROUND_MS;

  const touchWhenQuiet = async (written: number) => {
    touching = true;
    try {
      for (;;) {
        const wait = Math.max(0, written + ECHO_MS - performance.now());
        await new Promise((r) => setTimeout(r, Math.max(wait, 50)));
        if (serving === 0) break;
      }
      ownTouch = true;
      const now = new Date();
      try {
        utimesSync(store, now, now);
      } catch {
        // The store is gone (the server is stopping): nothing to mend.
        ownTouch = false;
        return;
      }
      touches++;
      refreshed();
    } finally {
      touching = false;
    }
  };

  const onStore = (path: string) => {
    if (resolve(path) !== store) return;
    if (ownTouch) {
      ownTouch = false;
      // Pages served around the touch itself: once more, up to a point.
      if (!raced() || touches >= MAX_TOUCHES) {
        touches = 0;
        return;
      }
    } else touches = 0;
    if (touching || !raced()) return;
    void touchWhenQuiet(performance.now());
  };
  server.watcher.on('change', onStore);
  server.watcher.on('add', onStore);
  return { serving: () => serving };
}
