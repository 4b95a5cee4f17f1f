/**
 * The print cache (src/build/pdf-cache.ts) keeps finished PDFs between builds; prints no build has used for a month, and
 * temporary files a killed build left, go when a build keeps its own, so the cache does not grow without end.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { PrintCache } from '../../../src/build/pdf-cache';

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

  expect(readdirSync(dir).sort()).toEqual([`${fresh}.json`, `${fresh}.pdf`, `${recent}.json`, `${recent}.pdf`, `${used}.json`, `${used}.pdf`, 'notes.txt'].sort());
  expect(existsSync(join(dir, `${unused}.pdf`))).toBe(false);
  // What was copied is kept as long again.
  const later = new PrintCache(dir, ['settings']);
  expect(later.holds(used!)).toBe(true);
  expect(later.get(recent!)?.pages).toBe(2);
});
