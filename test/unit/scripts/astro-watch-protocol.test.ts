/** The end of a build in the watch runner's output is found wherever the stream is cut, and nothing of the build is lost. */
import { expect, it } from 'vitest';
import { BUILD_ENDED, endWatcher, RunnerGrowth } from '../../../scripts/lib/astro-watch-protocol';

const stream = `09:30 [build] Complete!\n[ERROR] something\n${BUILD_ENDED} 1 52428800\nnext build starts\n${BUILD_ENDED} 0 73400320\n`;

function read(chunks: string[]): { text: string; ends: number[]; memory: number[]; endsAt: number[] } {
  let text = '';
  const ends: number[] = [];
  const memory: number[] = [];
  const endsAt: number[] = [];
  const feed = endWatcher(
    (t) => (text += t),
    (code, rss) => {
      ends.push(code);
      memory.push(rss);
      endsAt.push(text.length);
    },
  );
  for (const chunk of chunks) feed(Buffer.from(chunk));
  return { text, ends, memory, endsAt };
}

it('finds both ends and keeps every other line, however the stream is cut', () => {
  const expected = read([stream]);
  expect(expected.ends).toEqual([1, 0]);
  expect(expected.memory).toEqual([50 * 2 ** 20, 70 * 2 ** 20]);
  expect(expected.text).toBe('09:30 [build] Complete!\n[ERROR] something\nnext build starts\n');
  // Each end comes after the build's own lines.
  expect(expected.endsAt).toEqual(['09:30 [build] Complete!\n[ERROR] something\n'.length, expected.text.length]);
  for (let size = 1; size <= 7; size++) {
    const chunks = stream.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
    expect(read(chunks)).toEqual(expected);
  }
});

// Astro writes a page's name, then renders it: a page that fails leaves its line unfinished, and the runner's end follows it.
it('finds the end after a line left unfinished, however the stream is cut, and ends that line', () => {
  const cut = `  ├─ /faq/x/index.html${BUILD_ENDED} 1 52428800\n`;
  for (let size = 1; size <= cut.length; size++) {
    const result = read(cut.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!);
    expect(result.ends).toEqual([1]);
    expect(result.text).toBe('  ├─ /faq/x/index.html\n');
  }
});

it('shows a line without its line break at once, unless it may be the end line', () => {
  let text = '';
  const feed = endWatcher(
    (t) => (text += t),
    () => undefined,
  );
  feed('progress: 10 pages');
  expect(text).toBe('progress: 10 pages');
  feed(` and more\n${BUILD_ENDED.slice(0, 3)}`);
  expect(text).toBe('progress: 10 pages and more\n');
});

it('replaces the runner once it has grown by half since its first build, and not before', () => {
  const growth = new RunnerGrowth();
  const mib = 2 ** 20;
  expect([500, 560, 620, 700, 750].map((rss) => growth.ended(rss * mib))).toEqual([false, false, false, false, false]);
  expect(growth.ended(751 * mib)).toBe(true);
  expect(growth.builds).toBe(6);
  expect(growth.firstRss).toBe(500 * mib);
});
