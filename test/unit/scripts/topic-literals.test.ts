/** The generator is topic-free: nothing about the default center lives outside its content folder. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPIC_LITERALS } from '../../helpers/topic-literals';

/** Every source file of the generator; the benchmark's synthetic content is its own, and lives in scripts/bench/. */
const files = [
  'astro.config.mjs',
  ...['src', 'scripts', 'public'].flatMap((dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name)),
  ),
].filter((f) => !f.startsWith(join('scripts', 'bench')));

describe('no topic-specific word in the generator', () => {
  it('scans the generator’s sources', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain(join('src', 'layouts', 'BaseLayout.astro'));
  });

  it('finds none of the default center’s names, topic ids or page slugs in src/, scripts/, public/ or astro.config.mjs', () => {
    const hits = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (TOPIC_LITERALS.test(line) ? [`${file}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('would find one (the pattern is not empty)', () => {
    expect(TOPIC_LITERALS.test('see /protocols/western-blot-p-akt/')).toBe(true);
    expect(TOPIC_LITERALS.test('Trastuzumab')).toBe(true);
    expect(TOPIC_LITERALS.test('her2-alteration')).toBe(true);
    expect(TOPIC_LITERALS.test('a generic protocol page')).toBe(false);
  });
});
