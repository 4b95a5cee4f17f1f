/**
 * The watch's store of kept pages (src/build/page-reuse.ts): a page is written again only under the key it was rendered with,
 * pages gone from the build are dropped, and a page's key changes with anything its page shows.
 */
import { afterEach, expect, it } from 'vitest';
import { entryPageKey, PAGE_REUSE, PageReuse, type KeyedSite } from '../../../src/build/page-reuse.ts';

const slot = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete slot[PAGE_REUSE];
});

it('gives a kept page back only under the key it was rendered with, and drops the pages of paths gone', () => {
  const store = new PageReuse();
  store.begin([{ pathname: '/faq/a', cacheKey: 'k1' }, { pathname: '/faq/b', cacheKey: 'k1' }, { pathname: '/' }]);
  expect(store.take('/faq/a/')).toBeUndefined();
  store.keep('/faq/a/', '<p>a</p>');
  store.keep('/faq/b/', '<p>b</p>');
  // A page without a key (an index of every entry) is never kept.
  store.keep('/', '<p>home</p>');

  store.begin([{ pathname: '/faq/a', cacheKey: 'k1' }, { pathname: '/faq/b', cacheKey: 'k2' }, { pathname: '/' }]);
  expect(store.take('/faq/a/')).toBe('<p>a</p>');
  expect(store.take('/faq/b/')).toBeUndefined();
  expect(store.take('/')).toBeUndefined();
  expect(store.reused).toBe(1);

  // faq/a is gone from the next build, then comes back under its old key: it is rendered, not taken from an older build.
  store.begin([{ pathname: '/faq/b', cacheKey: 'k2' }]);
  store.begin([{ pathname: '/faq/a', cacheKey: 'k1' }]);
  expect(store.take('/faq/a/')).toBeUndefined();
  expect(store.reused).toBe(0);
});

it('keys a page by its own entry, every entry\'s fields, the references, the texts and the settings; none outside a watch', () => {
  const entry = (id: string, data: object, body: string) => ({ id, data, body, rendered: { html: `<p>${body}</p>`, metadata: { headings: [] } } });
  const site = (over: Partial<KeyedSite> = {}): KeyedSite => ({
    entries: [[entry('a', { question: 'A?' }, 'Body A'), entry('b', { question: 'B?' }, 'Body B')]],
    references: [{ id: 'r1', title: 'One' }],
    texts: [entry('disclaimer', { title: 'Research Use Only' }, 'For research use only.')],
    settings: { name: 'Center' },
    ...over,
  });
  const a = entry('a', { question: 'A?' }, 'Body A');
  expect(entryPageKey(site(), 'faq', a)).toBeUndefined();

  slot[PAGE_REUSE] = new PageReuse();
  const key = entryPageKey(site(), 'faq', a);
  expect(key).toEqual(expect.any(String));
  expect(entryPageKey(site(), 'faq', a)).toBe(key);
  const changed = [
    // Another entry's body: not on this page.
    [site({ entries: [[a, entry('b', { question: 'B?' }, 'Body B, edited')]] }), 'faq', a, 'same'],
    // Another entry's fields (a neighbour's question in the page's links).
    [site({ entries: [[a, entry('b', { question: 'B, edited?' }, 'Body B')]] }), 'faq', a, 'other'],
    [site({ entries: [[a]] }), 'faq', a, 'other'],
    [site(), 'faq', entry('a', { question: 'A?' }, 'Body A, edited'), 'other'],
    [site(), 'faq', { ...a, rendered: { html: '<p>Body A, rendered otherwise</p>' } }, 'other'],
    [site(), 'protocols', a, 'other'],
    [site({ references: [{ id: 'r1', title: 'One, edited' }] }), 'faq', a, 'other'],
    [site({ texts: [entry('disclaimer', { title: 'Research Use Only' }, 'Edited.')] }), 'faq', a, 'other'],
    [site({ settings: { name: 'Renamed' } }), 'faq', a, 'other'],
  ] as const;
  // A page showing an image is not kept: Astro writes the image's file only for a page it renders.
  const withImage = { ...a, rendered: { html: '<p><img src="/_astro/fig.webp"></p>', metadata: { headings: [], imagePaths: ['./fig.png'] } } };
  expect(entryPageKey(site(), 'faq', withImage)).toBeUndefined();
  const disclaimerWithImage = { ...entry('disclaimer', {}, 'x'), rendered: { html: '<img>', metadata: { imagePaths: ['./seal.png'] } } };
  expect(entryPageKey(site({ texts: [disclaimerWithImage] }), 'protocols', a)).toBeUndefined();
  for (const [s, kind, e, expected] of changed) expect([kind, e.body, expected === 'same' ? entryPageKey(s, kind, e) === key : entryPageKey(s, kind, e) !== key]).toEqual([kind, e.body, true]);
});
