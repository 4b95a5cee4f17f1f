/**
 * The print cache (src/build/pdf-cache.ts) keeps finished PDFs between builds; prints no build has used for a month, and
 * temporary files a killed build left, go when a build keeps its own, so the cache does not grow without end.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { fontsIdentity, PrintCache, printCache } from '../../../src/build/pdf-cache';
import { translator } from '../../../src/i18n/ui';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const DAY = 24 * 3600_000;
/** Sets a cached print's files `days` old. */
const age = (dir: string, key: string, days: number) => {
  const then = new Date(Date.now() - days * DAY);
  for (const name of [`${key}.pdf`, `${key}.json`]) utimesSync(join(dir, name), then, then);
};

it('keeps a print for the next build, and removes the prints no build used for a month, and old temporary files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'print-cache-'));
  dirs.push(dir);
  const earlier = new PrintCache(dir, ['settings']);
  const [used, unused, recent] = ['page used again', 'page long changed', 'page of last week'].map((page) => earlier.key(page));
  for (const key of [used!, unused!, recent!]) earlier.put(key, new TextEncoder().encode(`%PDF- ${key}`), 2);
  earlier.commit();
  for (const key of [used!, unused!]) age(dir, key, 40);
  age(dir, recent!, 7);
  writeFileSync(join(dir, `.${unused}.pdf.4242`), 'half written');
  utimesSync(join(dir, `.${unused}.pdf.4242`), new Date(Date.now() - 2 * DAY), new Date(Date.now() - 2 * DAY));
  writeFileSync(join(dir, 'notes.txt'), 'not the cache’s');
  utimesSync(join(dir, 'notes.txt'), new Date(Date.now() - 400 * DAY), new Date(Date.now() - 400 * DAY));

  // The next build copies one old print and prints a new one.
  const next = new PrintCache(dir, ['settings']);
  expect(next.get(used!)?.pages).toBe(2);
  const fresh = next.key('page edited today');
  next.put(fresh, new TextEncoder().encode('%PDF- fresh'), 3);
  next.commit();

  expect(readdirSync(dir).sort()).toEqual(
    [`${fresh}.json`, `${fresh}.pdf`, `${recent}.json`, `${recent}.pdf`, `${used}.json`, `${used}.pdf`, 'notes.txt'].sort(),
  );
  expect(existsSync(join(dir, `${unused}.pdf`))).toBe(false);
  // What was copied is kept as long again.
  const later = new PrintCache(dir, ['settings']);
  expect(later.holds(used!)).toBe(true);
  expect(later.get(recent!)?.pages).toBe(2);
});

it('keeps a print given as the file it was written to (a protocol PDF in the site) with that file\'s bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'print-cache-'));
  dirs.push(dir);
  const site = join(dir, 'site.pdf');
  const bytes = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
  writeFileSync(site, bytes);
  const cache = new PrintCache(join(dir, 'cache'), ['settings']);
  const key = cache.key('a protocol page');
  cache.put(key, site, 4);
  cache.commit();
  const kept = new PrintCache(join(dir, 'cache'), ['settings']).get(key);
  expect(kept?.pages).toBe(4);
  expect(Buffer.from(kept!.bytes).equals(Buffer.from(bytes))).toBe(true);
});

// PDFs embed the fonts they were printed with: a font installed, removed or updated must print the protocols again.
it('prints again when the system fonts changed, and not otherwise', async () => {
  const fonts = mkdtempSync(join(tmpdir(), 'fonts-'));
  dirs.push(fonts);
  mkdirSync(join(fonts, 'truetype', 'dejavu'), { recursive: true });
  writeFileSync(join(fonts, 'truetype', 'dejavu', 'DejaVuSans.ttf'), 'a font');
  const settings = { executablePath: process.execPath, paper: 'A4' as const, siteName: 'A Center', say: translator() };
  const key = () => printCache({ ...settings, fonts: fontsIdentity([fonts]) }).key('the same page');
  const first = key();
  expect(key()).toBe(first);
  // A new font comes in a folder of its own, as a package installs it.
  await new Promise((r) => setTimeout(r, 20));
  mkdirSync(join(fonts, 'truetype', 'noto'));
  writeFileSync(join(fonts, 'truetype', 'noto', 'NotoSans.ttf'), 'another font');
  const second = key();
  expect(second).not.toBe(first);
  // A font updated in place: written aside, then moved over the old file.
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(join(fonts, 'truetype', 'dejavu', '.DejaVuSans.ttf.new'), 'a newer font');
  renameSync(join(fonts, 'truetype', 'dejavu', '.DejaVuSans.ttf.new'), join(fonts, 'truetype', 'dejavu', 'DejaVuSans.ttf'));
  expect(key()).not.toBe(second);
  // Without a fonts argument the system's folders are read: the key is stable from one call to the next.
  expect(printCache(settings).key('the same page')).toBe(printCache(settings).key('the same page'));
});

it('gives, for a new assembly, the kept combined PDF and plan of this version that shares the most prints at their places', () => {
  const keep = (dir: string, name: string, pdf: string, assembly?: { version: string; keys: string[]; size?: number }) => {
    const file = join(dir, `${name}.pdf`);
    writeFileSync(file, pdf);
    const cache = new PrintCache(dir, ['settings']);
    cache.putCombined(cache.key(name), file, 4, assembly && { plan: { version: assembly.version, size: assembly.size ?? pdf.length, parts: [] }, keys: assembly.keys });
    cache.commit();
    return join(dir, `${cache.key(name)}.combined.pdf`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'print-cache-'));
  dirs.push(dir);
  const one = keep(dir, 'one', '%PDF- one', { version: 'v1', keys: ['a', 'b', 'c'] });
  const two = keep(dir, 'two', '%PDF- second', { version: 'v1', keys: ['a', 'x', 'c'] });
  const cache = new PrintCache(dir, ['settings']);
  expect(cache.earlierAssembly('v1', ['a', 'b', 'c'])?.path).toBe(one);
  expect(cache.earlierAssembly('v1', ['z', 'x', 'c'])?.path).toBe(two);
  expect(cache.earlierAssembly('v1', ['d', 'e', 'f'])).toBeUndefined();
  expect(cache.earlierAssembly('v2', ['a', 'b', 'c'])).toBeUndefined();
  // A file that is not the size its plan says is not given.
  const damaged = mkdtempSync(join(tmpdir(), 'print-cache-'));
  dirs.push(damaged);
  keep(damaged, 'wrong-size', '%PDF- wrong size', { version: 'v1', keys: ['a', 'b', 'c'], size: 3 });
  expect(new PrintCache(damaged, ['settings']).earlierAssembly('v1', ['a', 'b', 'c'])).toBeUndefined();
  // Nor one kept without a plan.
  const plain = mkdtempSync(join(tmpdir(), 'print-cache-'));
  dirs.push(plain);
  expect(existsSync(keep(plain, 'plain', '%PDF- plain'))).toBe(true);
  expect(new PrintCache(plain, ['settings']).earlierAssembly('v1', ['a', 'b', 'c'])).toBeUndefined();
});
