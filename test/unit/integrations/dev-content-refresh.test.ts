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
import { refreshRacedContent } from '../../../src/integrations/dev-content-refresh.ts';

type Middleware = (req: unknown, res: EventEmitter, next: () => void) => void;

let root: string;
let store: string;
let middleware: Middleware;
let watcher: EventEmitter;
let refreshed: number;

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

/** Astro's write of the store: the file changes and the watcher tells. */
function storeWritten(): void {
  writeFileSync(store, '{}');
  utimesSync(store, longAgo, longAgo);
  watcher.emit('change', store);
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
  refreshRacedContent(server, root, () => refreshed++);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('a content store written while pages are served', () => {
  it('is touched once no page is being served, a little over a second after the write', async () => {
    const done = serve();
    storeWritten();
    await sleep(300);
    done();
    await sleep(500);
    expect(touched()).toBe(false); // within Astro's echo window a touch would be ignored
    await expect.poll(touched, { timeout: 3000, interval: 25 }).toBe(true);
    expect(refreshed).toBe(1);
  });

  it('waits for a page still being served before touching the store', async () => {
    const done = serve();
    storeWritten();
    await sleep(1800);
    expect(touched()).toBe(false);
    done();
    await expect.poll(touched, { timeout: 3000, interval: 25 }).toBe(true);
    expect(refreshed).toBe(1);
  });

  it('counts a page answered just before the write', async () => {
    serve()();
    storeWritten();
    await expect.poll(touched, { timeout: 3000, interval: 25 }).toBe(true);
  });

  it('leaves a store written with no page served around it alone, and takes its own touch for no new write', async () => {
    storeWritten();
    await sleep(1600);
    expect(touched()).toBe(false);
    expect(refreshed).toBe(0);

    serve()();
    storeWritten();
    await expect.poll(touched, { timeout: 3000, interval: 25 }).toBe(true);
    // The touch's own event, with no page served around it: nothing more.
    await sleep(1200);
    utimesSync(store, longAgo, longAgo);
    watcher.emit('change', store);
    await sleep(1600);
    expect(touched()).toBe(false);
    expect(refreshed).toBe(1);
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
