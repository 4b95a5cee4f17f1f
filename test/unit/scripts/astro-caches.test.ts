/** Astro's caches, one per center: a build notes its own and removes those of centers whose folders are gone. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CENTER_NOTE, noteAndPruneAstroCaches } from '../../../scripts/lib/astro-caches.ts';

const dir = mkdtempSync(join(tmpdir(), 'astro-caches-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('notes the center in its own cache, and removes only the caches of centers whose folders are gone', () => {
  const base = join(dir, 'astro');
  const center = join(dir, 'center');
  const other = join(dir, 'other-center');
  mkdirSync(center);
  mkdirSync(other);
  const cache = (name: string, noted?: string) => {
    mkdirSync(join(base, name), { recursive: true });
    writeFileSync(join(base, name, 'data-store.json'), '{}');
    if (noted) writeFileSync(join(base, name, CENTER_NOTE), noted);
  };
  cache('other-center-1', other);
  cache('moved-center-2', join(dir, 'moved-away'));
  cache('unnoted-3');
  // The one store of before, shared by every center.
  writeFileSync(join(base, 'data-store.json'), '{}');
  const removed = noteAndPruneAstroCaches(join(base, 'center-0'), center);
  expect(removed).toEqual(['moved-center-2']);
  expect(readFileSync(join(base, 'center-0', CENTER_NOTE), 'utf8')).toBe(center);
  expect(existsSync(join(base, 'other-center-1/data-store.json'))).toBe(true);
  expect(existsSync(join(base, 'moved-center-2'))).toBe(false);
  expect(existsSync(join(base, 'data-store.json'))).toBe(false);
  // A folder this build did not note (another tool's, or one from before the notes) is left alone.
  expect(existsSync(join(base, 'unnoted-3/data-store.json'))).toBe(true);
  // The center's own folder goes once the center itself is gone, at another center's build.
  rmSync(center, { recursive: true });
  expect(noteAndPruneAstroCaches(join(base, 'other-center-1'), other)).toEqual(['center-0']);
});
