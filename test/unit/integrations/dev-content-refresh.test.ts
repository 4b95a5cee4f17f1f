/**
 * The dev server's mend for a content store written while a page was being served (src/integrations/dev-content-refresh.ts),
 * on a stand-in for Vite's dev server: its middleware stack, its file watcher, and a real store file whose time is looked at.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ViteDevServer } from 'vite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshRacedContent, type ContentRefresh } from '../../../src/integrations/dev-content-refresh.ts';

type Middleware = (req: unknown, res: EventEmitter, next: () => void) => void;

let root: string;
let store: string;
let middleware: Middleware;
let watcher: EventEmitter;
let refreshed: number;
let refresh: ContentRefresh;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const longAgo = new Date(Date.UTC(2020, 0, 1));
const touched = () => statSync(store).mtimeMs > longAgo.getTime();

/** A page request that is answered when the returned function is called. */
function serve(): () => void {
  const res = new EventEmitter();
  let passed = false;
  middleware({}, res, () => (passed = true));
  expect(passed).toBe(true);
  return () => res.emit('finish');
}

/** Astro's write of the store: the file changes and the watcher tells. Returns the wall-clock time of the write. */
function storeWritten(): number {
  const at = Date.now();
  writeFileSync(store, `{"at":${at}}`);
  utimesSync(store, longAgo, longAgo);
  watcher.emit('change', store);
  return at;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'content-refresh-'));
  mkdirSync(join(root, '.astro'));
  store = join(root, '.astro', 'data-store.json');
  watcher = new EventEmitter();
  refreshed = 0;
  const server = {
    middlewares: { use: (fn: Middleware) => (middleware = fn) },
    watcher,
  } as unknown as ViteDevServer;
  refresh = refreshRacedContent(server, root, () => refreshed++);
});

afterEach(() => {
  refresh.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('a content store written while pages are served', () => {
  it('is touched once no page is being served, a little over a second after the write (Astro ignores a change sooner)', async () => {
    const done = serve();
    const written = storeWritten();
    await sleep(300);
    done();
    await expect.poll(touched, { timeout: 3000, interval: 25 }).toBe(true);
    expect(statSync(store).mtimeMs).toBeGreaterThanOrEqual(written + 1100 - 5);
    expect(refreshed).toBe(1);
  });

  it('waits for a page still being served before touching the store', async () => {
    const done = serve();
    storeWritten();
    await sleep(1800);
    expect(touched()).toBe(false);
    const answered = Date.now();
    done();
    await expect.poll(touched, { timeout: 3000, interval: 25 }).toBe(true);
    expect(statSync(store).mtimeMs).toBeGreaterThanOrEqual(answered - 5);
    expect(refreshed).toBe(1);
  });

  it('counts a page answered just before the write', async () => {
    serve()();
    storeWritten();
    await expect.poll(touched, { timeout: 3000, interval: 25 }).toBe(true);
  });

  it('waits from the latest write when the store is written again before the touch', async () => {
    serve()();
    storeWritten();
    await sleep(800);
    const again = storeWritten();
    await expect.poll(touched, { timeout: 4000, interval: 25 }).toBe(true);
    expect(statSync(store).mtimeMs).toBeGreaterThanOrEqual(again + 1100 - 5);
    expect(refreshed).toBe(1);
  });

  it('leaves a store written with no page served around it alone, and does nothing more on its own touch', async () => {
    storeWritten();
    await sleep(1600);
    expect(touched()).toBe(false);
    expect(refreshed).toBe(0);

    serve()();
    storeWritten();
    await expect.poll(touched, { timeout: 3000, interval: 25 }).toBe(true);
    // The touch's own event, with pages served around it (the open page reloads): nothing more.
    const touchedAt = statSync(store).mtimeMs;
    serve()();
    const reloading = serve();
    watcher.emit('change', store);
    await sleep(200);
    reloading();
    await sleep(1600);
    expect(statSync(store).mtimeMs).toBe(touchedAt);
    expect(refreshed).toBe(1);
  });

  it('makes no touch still waiting once the server stops', async () => {
    const done = serve();
    storeWritten();
    await sleep(300);
    refresh.stop();
    done();
    await sleep(1600);
    expect(touched()).toBe(false);
    expect(refreshed).toBe(0);
  });

  it('ignores other files the watcher reports', async () => {
    writeFileSync(store, '{}');
    serve()();
    writeFileSync(join(root, 'other.json'), '{}');
    watcher.emit('change', join(root, 'other.json'));
    utimesSync(store, longAgo, longAgo);
    await sleep(1600);
    expect(touched()).toBe(false);
    expect(refreshed).toBe(0);
  });
});
