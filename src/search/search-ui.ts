/**
 * The search box, loaded only when a reader starts to search (see the
 * bootstrap in SearchBox.astro). Bundled by src/integrations/client-scripts.ts into a
 * classic script, so it also runs from file:// in the offline bundle.
 */
import type { SynonymGroup } from '../schemas/vocabulary.ts';
import { highlightTerms } from './highlight.ts';
import type { PagefindApi, PagefindData, PagefindResult } from './pagefind-api.ts';
import { expandQuery } from './query-expansion.ts';
import { markMatcher } from './marks.ts';
import { correctQuery } from './spelling.ts';
import { pageTranslator, SEARCH_TYPES, searchTypeKey } from '../i18n/ui.ts';
import { SEARCH_FILES } from '../contract.ts';

/** The interface's words, in the center's language. */
const t = pageTranslator();

/** What src/build/search-index.ts writes to search/vocabulary.js. */
interface SearchVocabulary {
  synonyms: SynonymGroup[];
  /** Words of the site, most frequent first, for spelling suggestions. */
  words: string[];
}

declare global {
  interface Window {
    hrsSearchVocabulary?: SearchVocabulary;
    /** Pagefind's files, base64, from search/pagefind-pack.js in the offline bundle. */
    hrsPagefindPack?: Record<string, string>;
    hrsSearch?: { ready: Promise<void>; run(query: string): Promise<void> };
  }
}

const TYPE_ORDER: string[] = SEARCH_TYPES.map((type) => t(searchTypeKey(type)));
const MAX_RESULTS = 8;
/** The longest query the box runs or a page marks: longer ones are cut here, so a crafted link cannot stall a page. */
export const MAX_QUERY_CHARS = 200;
/** The most words a page opened from a result marks. */
export const MAX_HIGHLIGHT_WORDS = 12;
const MAX_SUBRESULTS = 3;

const script = document.currentScript as HTMLScriptElement;
const root = new URL('../', script.src);

function loadClassicScript(src: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.src = src.href;
    el.onload = () => resolve();
    el.onerror = () => reject(new Error(`could not load ${src.href}`));
    document.head.append(el);
  });
}

const offline = location.protocol === 'file:';

/**
 * From disk, Chromium blocks module scripts, fetch and workers. The offline
 * bundle ships Pagefind's files packed in a classic script: fetches under
 * pagefind/ are answered from the pack, pagefind.js is imported from a blob
 * URL, and Pagefind runs on the main thread.
 */
async function loadOfflinePagefind(base: URL): Promise<PagefindApi> {
  await loadClassicScript(new URL(SEARCH_FILES.pagefindPack, root));
  const pack = window.hrsPagefindPack ?? {};
  const bytes = (name: string) => Uint8Array.from(atob(pack[name]!), (c) => c.charCodeAt(0));
  const realFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    // Pagefind strips the origin from its base path, so its URLs can arrive as "/path/on/disk/…".
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, location.href).href;
    const name = url.startsWith(base.href) ? decodeURIComponent(url.slice(base.href.length).split(/[?#]/)[0]!) : undefined;
    if (name && name in pack) {
      const type = name.endsWith('.json') ? 'application/json' : name.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
      return Promise.resolve(new Response(bytes(name), { headers: { 'Content-Type': type } }));
    }
    return realFetch(input, init);
  };
  const script = URL.createObjectURL(new Blob([bytes('pagefind.js')], { type: 'text/javascript' }));
  return (await import(/* @vite-ignore */ script)) as PagefindApi;
}

async function loadPagefind(): Promise<PagefindApi> {
  const base = new URL('pagefind/', root);
  const pagefind: PagefindApi = offline
    ? await loadOfflinePagefind(base)
    : ((await import(/* @vite-ignore */ new URL('pagefind.js', base).href)) as PagefindApi);
  // Result URLs stay site-root paths ("/faq/…"); siteUrl() turns them into links that work on the web and on disk.
  await pagefind.options({ excerptLength: 26, baseUrl: '/', ...(offline ? { basePath: base.href, noWorker: true } : {}) });
  await pagefind.init();
  return pagefind;
}

/** A site path from the index as a link: relative to the site root, and on disk pointing at the file. */
function siteUrl(path: string): URL {
  const [pathname = '', hash] = path.replace(/^\//, '').split('#');
  const file = offline && (pathname === '' || pathname.endsWith('/')) ? `${pathname}index.html` : pathname;
  return new URL(`${file}${hash ? `#${hash}` : ''}`, root);
}

async function loadVocabulary(): Promise<SearchVocabulary> {
  if (!window.hrsSearchVocabulary) await loadClassicScript(new URL(SEARCH_FILES.vocabulary, root));
  return window.hrsSearchVocabulary ?? { synonyms: [], words: [] };
}

/** A marked word; punctuation around it, such as the brackets of "(Co-IP)", stays outside the mark. */
function marked(text: string): Node[] {
  const [, open = '', word = text, close = ''] = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/su.exec(text) ?? [];
  const mark = document.createElement('mark');
  mark.textContent = word;
  return [document.createTextNode(open), mark, document.createTextNode(close)];
}

/** Pagefind excerpt HTML → safe DOM: only text and the <mark>s of words that match the query survive. */
function excerptNodes(html: string, matches: (word: string) => boolean): Node[] {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, 'text/html');
  const out: Node[] = [];
  doc.body.firstElementChild?.childNodes.forEach((node) => {
    if (node.nodeName === 'MARK' && matches(node.textContent ?? '')) {
      out.push(...marked(node.textContent ?? ''));
    } else {
      out.push(document.createTextNode(node.textContent ?? ''));
    }
  });
  return out;
}

/** Words around a word position of the page text, with the word itself marked. */
function snippet(content: string, location: number): Node[] {
  const words = content.split(/\s+/);
  const start = Math.max(0, location - 8);
  const before = words.slice(start, location).join(' ');
  const after = words.slice(location + 1, location + 14).join(' ');
  return [document.createTextNode(`${start > 0 ? '… ' : ''}${before} `), ...marked(words[location] ?? ''), document.createTextNode(` ${after} …`)];
}

interface SubResult {
  url: string;
  title: string;
  excerpt: Node[];
}

/**
 * Sections of a page that hold matches. Pagefind makes sub-results from
 * headings with ids; troubleshooting problems are table header cells, so
 * matches are also grouped under the nearest preceding `th` anchor.
 */
function subResults(data: PagefindData, matches: (word: string) => boolean): SubResult[] {
  const out: SubResult[] = data.sub_results
    .filter((s) => s.url.includes('#'))
    .map((s) => ({ url: s.url, title: s.title, excerpt: excerptNodes(s.excerpt, matches) }));
  const anchors = [...data.anchors].filter((a) => a.id && /^(h[1-6]|th)$/.test(a.element)).sort((a, b) => a.location - b.location);
  const seen = new Set(out.map((s) => s.url));
  const words = data.content.split(/\s+/);
  for (const location of data.locations) {
    // A location where only the start of a word matched a short part of the query ("co" in "conditions") is no hit.
    if (!matches(words[location] ?? '')) continue;
    const section = anchors.filter((a) => a.location <= location).pop();
    if (!section || section.element !== 'th') continue;
    const url = `${data.url}#${section.id}`;
    if (seen.has(url)) continue;
    seen.add(url);
    out.unshift({ url, title: section.text.trim() || section.id, excerpt: snippet(data.content, location) });
  }
  return out.slice(0, MAX_SUBRESULTS);
}

function withHighlight(url: string, terms: string): string {
  const target = siteUrl(url);
  target.searchParams.set('highlight', terms);
  return target.href;
}

class SearchBox {
  private readonly input = document.getElementById('search-input') as HTMLInputElement;
  private readonly panel = document.getElementById('search-panel') as HTMLElement;
  private readonly status = document.getElementById('search-status') as HTMLElement;
  private readonly list = document.getElementById('search-results') as HTMLOListElement;
  private readonly filterBox = document.getElementById('search-filters') as HTMLElement;
  private readonly selected = new Map<string, Set<string>>();
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly pagefind: PagefindApi,
    private readonly vocabulary: SearchVocabulary,
  ) {}

  async start(): Promise<void> {
    await this.renderFilters();
    this.input.addEventListener('input', () => this.schedule());
    this.input.addEventListener('keydown', (event) => this.onInputKey(event));
    this.panel.addEventListener('keydown', (event) => this.onPanelKey(event));
    this.input.closest('form')!.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.run(this.input.value);
    });
    document.addEventListener('click', (event) => {
      if (!(event.target instanceof Node) || !this.input.closest('.search')!.contains(event.target)) this.close();
    });
    if (this.input.value.trim()) await this.run(this.input.value);
  }

  private schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(this.input.value), 80);
  }

  private open() {
    this.panel.hidden = false;
  }

  private close() {
    this.panel.hidden = true;
  }

  private links(): HTMLAnchorElement[] {
    return [...this.list.querySelectorAll<HTMLAnchorElement>('a')];
  }

  private onInputKey(event: KeyboardEvent) {
    if (event.key === 'ArrowDown') {
      const first = this.links()[0];
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === 'Escape') {
      if (this.panel.hidden) this.input.value = '';
      this.close();
    }
  }

  private onPanelKey(event: KeyboardEvent) {
    const links = this.links();
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close();
      this.input.focus();
    } else if (index >= 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const next = index + (event.key === 'ArrowDown' ? 1 : -1);
      if (next < 0) this.input.focus();
      else links[Math.min(next, links.length - 1)]!.focus();
    }
  }

  private async renderFilters() {
    const available = await this.pagefind.filters();
    this.filterBox.replaceChildren();
    // Open where there is room; on a phone the filters start folded, so the results get the screen.
    const details = document.createElement('details');
    details.open = !matchMedia('(max-width: 40rem)').matches;
    const summary = document.createElement('summary');
    summary.textContent = t('search.filters');
    details.append(summary);
    this.filterBox.append(details);
    for (const [name, legendText] of [
      ['type', t('search.filterType')],
      ['topic', t('search.filterTopic')],
    ] as const) {
      const values = Object.keys(available[name] ?? {}).sort((a, b) => {
        const ia = TYPE_ORDER.indexOf(a);
        const ib = TYPE_ORDER.indexOf(b);
        return ia >= 0 && ib >= 0 ? ia - ib : a.localeCompare(b);
      });
      if (values.length === 0) continue;
      const fieldset = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = legendText;
      fieldset.append(legend);
      for (const value of values) {
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.name = `filter-${name}`;
        box.value = value;
        box.addEventListener('change', () => {
          const set = this.selected.get(name) ?? new Set<string>();
          if (box.checked) set.add(value);
          else set.delete(value);
          this.selected.set(name, set);
          void this.run(this.input.value);
        });
        label.append(box, ` ${value}`);
        fieldset.append(label);
      }
      details.append(fieldset);
    }
  }

  private filters(): Record<string, { any: string[] }> {
    const out: Record<string, { any: string[] }> = {};
    for (const [name, values] of this.selected) if (values.size > 0) out[name] = { any: [...values] };
    return out;
  }

  /** Searches every spelling the vocabulary allows and keeps each page's best score. */
  private async searchAll(query: string): Promise<{ result: PagefindResult; variant: string }[]> {
    const variants = expandQuery(query, this.vocabulary.synonyms);
    const filters = this.filters();
    const found = await Promise.all(variants.map(async (variant) => ({ variant, response: await this.pagefind.search(variant, { filters }) })));
    const best = new Map<string, { result: PagefindResult; variant: string }>();
    for (const { variant, response } of found) {
      for (const result of response?.results ?? []) {
        const current = best.get(result.id);
        if (!current || result.score > current.result.score) best.set(result.id, { result, variant });
      }
    }
    return [...best.values()].sort((a, b) => b.result.score - a.result.score);
  }

  async run(raw: string) {
    const generation = ++this.generation;
    const query = raw.slice(0, MAX_QUERY_CHARS).trim();
    if (!query) {
      this.list.replaceChildren();
      this.status.textContent = '';
      this.close();
      return;
    }
    this.open();
    let shown = query;
    let hits = await this.searchAll(query);
    let corrected: string | undefined;
    if (hits.length === 0) {
      corrected = correctQuery(query, this.vocabulary.words);
      if (corrected) {
        hits = await this.searchAll(corrected);
        shown = corrected;
      }
    }
    const top = await Promise.all(hits.slice(0, MAX_RESULTS).map(async (h) => ({ data: await h.result.data(), terms: shown })));
    if (generation !== this.generation) return;
    this.render(query, shown, corrected, top);
  }

  private render(query: string, shown: string, corrected: string | undefined, top: { data: PagefindData; terms: string }[]) {
    this.list.replaceChildren();
    const quote = (s: string) => `“${s}”`;
    if (top.length === 0) {
      const filtered = Object.keys(this.filters()).length > 0;
      this.status.textContent = filtered
        ? `${t('search.noResultsFiltered', { query: quote(query) })} ${t('search.tryFiltered')}`
        : `${t('search.noResults', { query: quote(query) })} ${t('search.try')}`;
      return;
    }
    this.status.textContent = corrected
      ? t('search.corrected', { query: quote(query), count: top.length, shown: quote(shown) })
      : t(top.length === 1 ? 'search.countOne' : 'search.countOther', { query: quote(query), count: top.length });
    const matches = markMatcher(shown, this.vocabulary.synonyms);
    for (const { data, terms } of top) {
      const item = document.createElement('li');
      item.className = 'search-result';
      const link = document.createElement('a');
      link.href = withHighlight(data.url, terms);
      const title = document.createElement('span');
      title.className = 'search-result-title';
      title.textContent = data.meta.title ?? data.url;
      link.append(title);
      const type = data.filters.type?.[0];
      if (type) {
        const badge = document.createElement('span');
        badge.className = 'search-result-type';
        badge.textContent = type;
        link.append(' ', badge);
      }
      const excerpt = document.createElement('p');
      excerpt.className = 'search-result-excerpt';
      excerpt.append(...excerptNodes(data.excerpt, matches));
      item.append(link, excerpt);
      const subs = subResults(data, matches);
      if (subs.length > 0) {
        const subList = document.createElement('ul');
        subList.className = 'search-subresults';
        for (const sub of subs) {
          const li = document.createElement('li');
          const a = document.createElement('a');
          a.href = withHighlight(sub.url, terms);
          a.textContent = sub.title;
          const p = document.createElement('p');
          p.append(...sub.excerpt);
          li.append(a, p);
          subList.append(li);
        }
        item.append(subList);
      }
      this.list.append(item);
    }
  }
}

/** On a page opened from a result, marks the searched terms, in every spelling the vocabulary knows. */
function highlightFromUrl(vocabulary: SearchVocabulary) {
  const query = (new URLSearchParams(location.search).get('highlight') ?? '')
    .slice(0, MAX_QUERY_CHARS)
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, MAX_HIGHLIGHT_WORDS)
    .join(' ');
  const main = document.querySelector('main');
  if (!query || !main) return;
  const phrases = expandQuery(query, vocabulary.synonyms);
  const words = phrases.flatMap((p) => p.split(' ')).filter((w) => w.length > 3);
  const first = highlightTerms(main, [...phrases, ...words]);
  if (first && !location.hash) first.scrollIntoView({ block: 'center' });
}

async function start() {
  const vocabularyLoaded = loadVocabulary();
  highlightFromUrl(await vocabularyLoaded);
  const [pagefind, vocabulary] = await Promise.all([loadPagefind(), vocabularyLoaded]);
  const box = new SearchBox(pagefind, vocabulary);
  await box.start();
  window.hrsSearch!.run = (query) => box.run(query);
}

window.hrsSearch = { ready: start(), run: async () => undefined };
window.hrsSearch.ready.catch((error: unknown) => {
  const status = document.getElementById('search-status');
  if (status) status.textContent = t('search.failed', { error: error instanceof Error ? error.message : String(error) });
  console.error(error);
});
