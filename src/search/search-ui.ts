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
import { aliasTable, ALIAS_CLOSE, ALIAS_OPEN, canonicalQuery, stopWordSet, stripAliases, withoutStopWords, type AliasTable } from './aliases.ts';
import { foldNotation } from './notation.ts';
import { coverage, rankScore } from './ranking.ts';
import { pageTranslator, SEARCH_TYPES, searchTypeKey } from '../i18n/ui.ts';
import { IDS, SEARCH_FILES } from '../contract.ts';

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
const STOP_WORDS = stopWordSet(t('search.stopWords'));

/** Does a word of the page match the query, whole or by one of its hyphen- or slash-joined parts ("NCI-N87" for "N87")? */
function hitIn(word: string, matches: (word: string) => boolean): boolean {
  return matches(word) || word.split(/[^\p{L}\p{N}]+/u).some((piece) => piece !== '' && piece !== word && matches(piece));
}
const MAX_RESULTS = 8;
/** Pages whose details are read to order the results (title, headings, type). */
const RANKED = 20;
/** Parts of a query searched one by one, to weigh them (see searchParts). */
const MAX_PARTS = 8;
/** A page that has every part of the query scores this much more than the sum of its parts. */
const WHOLE_QUERY_BONUS = 1.25;

/** A page found by a search: its best result, its score, and the other results (spellings, parts) that found it too. */
interface Hit {
  result: PagefindResult;
  score: number;
  others: PagefindResult[];
}
/** The longest query the box runs or a page marks: longer ones are cut here, so a crafted link cannot stall a page. */
export const MAX_QUERY_CHARS = 200;
/** The most words a page opened from a result marks. */
export const MAX_HIGHLIGHT_WORDS = 12;
const MAX_SUBRESULTS = 2;

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

/** Text with the words that match the query marked (a synonym's match may sit in the index's other spellings, now removed). */
function markedText(text: string, matches: (word: string) => boolean): Node[] {
  return text.split(/(\s+)/).flatMap((piece) => (piece.trim() && hitIn(piece, matches) ? marked(piece) : [document.createTextNode(piece)]));
}

/** Pagefind excerpt HTML → safe DOM: only text, without the index's other spellings, with the words that match the query marked. */
function excerptNodes(html: string, matches: (word: string) => boolean): Node[] {
  const doc = new DOMParser().parseFromString(`<p>${stripAliases(html)}</p>`, 'text/html');
  return markedText(doc.body.textContent ?? '', matches);
}

/** Words around a word position of the page text, with the words that match marked; a hit among other spellings counts at the word they follow. */
function snippet(content: string, location: number, matches: (word: string) => boolean): Node[] {
  const words = content.split(/\s+/);
  let at = location;
  const open = words.lastIndexOf(ALIAS_OPEN, at);
  if (open >= 0 && !words.slice(open, at).includes(ALIAS_CLOSE)) at = Math.max(0, open - 1);
  const start = Math.max(0, at - 8);
  const text = stripAliases(words.slice(start, at + 14).join(' '));
  return [document.createTextNode(start > 0 ? '… ' : ''), ...markedText(text, matches), document.createTextNode(' …')];
}

interface SubResult {
  url: string;
  title: string;
  excerpt: Node[];
}

/**
 * Sections of a page that hold matches, the section with most of the query's words first. Pagefind makes sub-results from
 * headings with ids; troubleshooting problems are table header cells, so matches are also grouped under the nearest preceding
 * `th` anchor.
 */
const isReferences = (url: string) => url.endsWith(`#${IDS.referencesHeading}`);

function subResults(data: PagefindData, matches: (word: string) => boolean, parts: readonly string[], table: AliasTable): SubResult[] {
  const words = data.content.split(/\s+/);
  const sections = new Map<string, { url: string; title: string; locations: number[]; excerpt?: string }>();
  for (const s of data.sub_results)
    if (s.url.includes('#')) sections.set(s.url, { url: s.url, title: stripAliases(s.title), locations: [...s.locations], excerpt: s.excerpt });
  const anchors = [...data.anchors].filter((a) => a.id && /^(h[1-6]|th)$/.test(a.element)).sort((a, b) => a.location - b.location);
  for (const location of data.locations) {
    const section = anchors.filter((a) => a.location <= location).pop();
    if (!section || section.element !== 'th') continue;
    const url = `${data.url}#${section.id}`;
    const entry = sections.get(url) ?? { url, title: stripAliases(section.text).trim() || section.id, locations: [] };
    entry.locations.push(location);
    sections.set(url, entry);
  }
  /** A section's own words: from its anchor to the next one (with the index's other spellings, which name the query's terms). */
  const textOf = (url: string) => {
    const at = anchors.findIndex((a) => url.endsWith(`#${a.id}`));
    if (at < 0) return '';
    return words.slice(anchors[at]!.location, anchors[at + 1]?.location ?? words.length).join(' ');
  };
  // A location where only the start of a word matched a short part of the query ("co" in "conditions") is no hit.
  const ranked = [...sections.values()]
    .map((s) => ({ ...s, hits: s.locations.filter((l) => hitIn(words[l] ?? '', matches)) }))
    .filter((s) => s.hits.length > 0)
    .map((s) => ({ ...s, covered: coverage(textOf(s.url), parts, table) }))
    // The section that names most of the query first; then the page's own sections before its reference list, in the page's order.
    .sort((a, b) => b.covered - a.covered || Number(isReferences(a.url)) - Number(isReferences(b.url)) || a.hits[0]! - b.hits[0]!);
  return ranked.slice(0, MAX_SUBRESULTS).map((s) => ({
    url: s.url,
    title: s.title,
    excerpt: s.excerpt !== undefined ? excerptNodes(s.excerpt, matches) : snippet(data.content, s.hits[0]!, matches),
  }));
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
  private readonly table: AliasTable;
  private summary: HTMLElement | undefined;

  private readonly pagefind: PagefindApi;
  private readonly vocabulary: SearchVocabulary;

  constructor(pagefind: PagefindApi, vocabulary: SearchVocabulary) {
    this.pagefind = pagefind;
    this.vocabulary = vocabulary;
    this.table = aliasTable(vocabulary.synonyms);
  }

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
    // Folded, so the results get the room; the one line says which filters are on.
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    this.summary = summary;
    details.append(summary);
    this.describeFilters();
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
          this.describeFilters();
          void this.run(this.input.value);
        });
        label.append(box, ` ${value}`);
        fieldset.append(label);
      }
      details.append(fieldset);
    }
  }

  private describeFilters() {
    const active = [...this.selected.values()].flatMap((values) => [...values]);
    if (this.summary) this.summary.textContent = active.length ? t('search.filtersActive', { active: active.join(', ') }) : t('search.filtersNone');
  }

  private filters(): Record<string, { any: string[] }> {
    const out: Record<string, { any: string[] }> = {};
    for (const [name, values] of this.selected) if (values.size > 0) out[name] = { any: [...values] };
    return out;
  }

  /**
   * Searches the query as typed (its notation folded) and with every spelling of the vocabulary replaced by its group's term
   * as an exact phrase; keeps each page's results. The index holds every spelling (aliases.ts), so both find the same pages;
   * the second ranks the pages that use the term itself. Stop words are left out ("what is a melt curve" → "melt curve").
   */
  private async searchAll(query: string): Promise<Hit[]> {
    const subject = withoutStopWords(query, STOP_WORDS);
    const variants = [...new Set([foldNotation(subject), canonicalQuery(subject, this.table).text])].filter(Boolean);
    return this.merge(await Promise.all(variants.map((variant) => this.searchOne(variant))));
  }

  private async searchOne(term: string): Promise<PagefindResult[]> {
    return (await this.pagefind.search(term, { filters: this.filters() }))?.results ?? [];
  }

  /** Each page once, with its best score and every result that found it (their matches are merged for the sections). */
  private merge(lists: PagefindResult[][]): Hit[] {
    const pages = new Map<string, Hit>();
    for (const result of lists.flat()) {
      const page = pages.get(result.id);
      if (!page) pages.set(result.id, { result, score: result.score, others: [] });
      else {
        page.others.push(result);
        page.score = Math.max(page.score, result.score);
      }
    }
    return [...pages.values()].sort((a, b) => b.score - a.score);
  }

  /** Pages in the index, for weighing a query's parts by how few pages have them. */
  private pageCount: Promise<number> | undefined;

  /**
   * The query's parts searched one by one (words, and the vocabulary's terms as phrases). A page scores, for each part it has,
   * the part's weight (rarer parts weigh more: inverse document frequency) times how well Pagefind found it there, relative to
   * the page where it found it best. So a page that has the rare subject of a question ("PTEN" in "how does PTEN loss cause
   * resistance") comes before pages that have every common word; pages that have every part get a little more.
   */
  private async searchParts(query: string, whole: Hit[]): Promise<Hit[]> {
    const parts = canonicalQuery(withoutStopWords(query, STOP_WORDS), this.table).parts.slice(0, MAX_PARTS);
    if (parts.length < 2) return whole;
    this.pageCount ??= this.pagefind.search(null).then((r) => r?.results.length ?? 0);
    const [total, found] = await Promise.all([this.pageCount, Promise.all(parts.map((part) => this.searchOne(part)))]);
    const pages = new Map<string, Hit>(whole.map((h) => [h.result.id, { ...h, score: 0, others: [...h.others] }]));
    for (const results of found) {
      if (results.length === 0) continue;
      const weight = Math.log(1 + Math.max(total, results.length) / results.length);
      const best = Math.max(...results.map((r) => r.score));
      for (const result of results) {
        const page = pages.get(result.id) ?? { result, score: 0, others: [] };
        if (page.result !== result) page.others.push(result);
        page.score += weight * (0.5 + (0.5 * result.score) / best);
        pages.set(result.id, page);
      }
    }
    const complete = new Set(whole.map((h) => h.result.id));
    for (const page of pages.values()) if (complete.has(page.result.id)) page.score *= WHOLE_QUERY_BONUS;
    return [...pages.values()].filter((p) => p.score > 0).sort((a, b) => b.score - a.score);
  }

  /** A result's page, with the matches of every result that found it: the sections are chosen from all of them. */
  private async pageData(hit: Hit): Promise<PagefindData> {
    const [data, ...others] = await Promise.all([hit.result, ...hit.others.slice(0, MAX_PARTS)].map((r) => r.data()));
    const merged = { ...data!, locations: [...data!.locations], sub_results: data!.sub_results.map((s) => ({ ...s, locations: [...s.locations] })) };
    for (const other of others) {
      merged.locations.push(...other.locations);
      for (const sub of other.sub_results) {
        const same = merged.sub_results.find((s) => s.url === sub.url);
        if (same) same.locations.push(...sub.locations);
        else merged.sub_results.push({ ...sub, locations: [...sub.locations] });
      }
    }
    merged.locations = [...new Set(merged.locations)].sort((a, b) => a - b);
    for (const sub of merged.sub_results) sub.locations = [...new Set(sub.locations)].sort((a, b) => a - b);
    return merged;
  }

  /** The first results in the box's order (ranking.ts): title and headings that name the query first, the reference list last. */
  private async ranked(hits: Hit[], query: string): Promise<PagefindData[]> {
    const parts = canonicalQuery(withoutStopWords(query, STOP_WORDS), this.table).parts;
    const reference = t(searchTypeKey('reference'));
    const read = await Promise.all(
      hits.slice(0, RANKED).map(async (hit) => {
        const data = await hit.result.data();
        const score = rankScore(
          { score: hit.score, title: data.meta.title ?? '', headings: data.sub_results.map((s) => s.title), isReference: data.filters.type?.[0] === reference },
          parts,
          this.table,
        );
        return { hit, score };
      }),
    );
    const top = read.sort((a, b) => b.score - a.score).slice(0, MAX_RESULTS);
    return Promise.all(top.map(({ hit }) => this.pageData(hit)));
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
    let whole = await this.searchAll(query);
    let corrected: string | undefined;
    if (whole.length === 0) {
      corrected = correctQuery(query, this.vocabulary.words);
      if (corrected) {
        whole = await this.searchAll(corrected);
        if (whole.length > 0) shown = corrected;
      }
    }
    // Every page that has the query's rarer parts, the pages with all of them a little ahead; when no page has all of them, the
    // pages with most, and the closest spelling when there is one: no dead end.
    const hits = await this.searchParts(whole.length > 0 ? shown : (corrected ?? query), whole);
    const partial = whole.length === 0 && hits.length > 0;
    // Pagefind leaves out a word that no page has, so a misspelt word beside a known one still finds pages: offer the spelling.
    const suggestion = partial ? corrected : shown === query ? correctQuery(query, this.vocabulary.words) : undefined;
    const top = (await this.ranked(hits, shown)).map((data) => ({ data, terms: shown }));
    if (generation !== this.generation) return;
    this.render(query, shown, partial ? undefined : corrected, top, partial, top.length > 0 ? suggestion : undefined);
  }

  private render(
    query: string,
    shown: string,
    corrected: string | undefined,
    top: { data: PagefindData; terms: string }[],
    partial: boolean,
    suggestion?: string,
  ) {
    this.list.replaceChildren();
    const quote = (s: string) => `“${s}”`;
    if (suggestion) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'search-suggestion';
      button.textContent = t('search.didYouMean', { shown: quote(suggestion) });
      button.addEventListener('click', () => {
        this.input.value = suggestion;
        void this.run(suggestion);
        this.input.focus();
      });
      const item = document.createElement('li');
      item.className = 'search-suggestion-item';
      item.append(button);
      this.list.append(item);
    }
    if (top.length === 0) {
      const filtered = Object.keys(this.filters()).length > 0;
      this.status.textContent = filtered
        ? `${t('search.noResultsFiltered', { query: quote(query) })} ${t('search.tryFiltered')}`
        : `${t('search.noResults', { query: quote(query) })} ${t('search.try')}`;
      return;
    }
    this.status.textContent = corrected
      ? t('search.corrected', { query: quote(query), count: top.length, shown: quote(shown) })
      : partial
        ? t('search.partial', { query: quote(query), count: top.length })
        : t(top.length === 1 ? 'search.countOne' : 'search.countOther', { query: quote(query), count: top.length });
    const matches = markMatcher(shown, this.vocabulary.synonyms);
    const parts = canonicalQuery(withoutStopWords(shown, STOP_WORDS), this.table).parts;
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
      const subs = subResults(data, matches, parts, this.table);
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
