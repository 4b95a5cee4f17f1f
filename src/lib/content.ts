/**
 * The one place pages read content from. Everything is loaded, sorted and
 * cross-checked once per build, then shared: pages never call
 * `getCollection` themselves.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import { scanCitations } from '../markdown/citation-syntax.ts';
import type { Reference } from '../schemas/reference.ts';
import { routes } from './routes.ts';
import { CONTENT_FILES, INTRO_ROUTES, presentSections, SECTION_INTROS, type SectionIntro } from '../content-model.ts';
import { loadReferenceIndex } from './reference-index.ts';
import { contentDir } from './paths.ts';
import { center, t } from './center.ts';
import { byRankThenId } from './entry-order.ts';
import { entryPageKey, type KeyedSite } from '../build/page-reuse.ts';

export type FaqEntry = CollectionEntry<'faq'>;
export type GuideEntry = CollectionEntry<'troubleshooting'>;
export type ProtocolEntry = CollectionEntry<'protocols'>;
export type DatasetEntry = CollectionEntry<'data'>;
export type SiteTextEntry = CollectionEntry<'site'>;

/** A place on the site that cites a reference. */
export interface CitingPlace {
  /** Link to the exact place: a citation marker, step or problem anchor. */
  href: string;
  /** Where it is, for the reader, e.g. "Protocol 2, step 5". */
  label: string;
}

/** Everything the pages need, sorted and validated. */
export interface Site {
  faqs: FaqEntry[];
  guides: GuideEntry[];
  protocols: ProtocolEntry[];
  datasets: DatasetEntry[];
  references: Reference[];
  referenceById: ReadonlyMap<string, Reference>;
  /** Reference id → every place citing it, in site order. */
  citedFrom: ReadonlyMap<string, CitingPlace[]>;
  /** The in-page addresses (`#cite-…`) where one page cites a reference, in order, without repeats: its reference list's back links. */
  citedOn: (page: string, id: string) => readonly string[];
  siteText: (id: 'overview' | 'how-to-cite' | 'disclaimer') => SiteTextEntry;
  /** The optional intro of a section's index page (`site/<section>.mdx`), if the center has one. */
  intro: (section: SectionIntro) => SiteTextEntry | undefined;
  /** Every text of `site/`. */
  texts: SiteTextEntry[];
}

/** A citation in a typed field that names no reference. */
export class UnknownCitationError extends Error {
  constructor(file: string, field: string, id: string) {
    super(`${file}  field ${field}: unknown reference id "${id}"; it is not in references.yaml.`);
    this.name = 'UnknownCitationError';
  }
}

let site: Promise<Site> | undefined;

/** Loads and validates all content once; later calls share the result. */
export function loadSite(): Promise<Site> {
  site ??= build();
  return site;
}

async function build(): Promise<Site> {
  // A section without entries is not asked for: Astro warns about every empty collection it is asked for.
  const present = presentSections(contentDir);
  const [faqs, guides, protocols, datasets, refs, texts] = await Promise.all([
    present.has('faq') ? getCollection('faq') : [],
    present.has('troubleshooting') ? getCollection('troubleshooting') : [],
    present.has('protocols') ? getCollection('protocols') : [],
    present.has('data') ? getCollection('data') : [],
    loadReferenceIndex(`${contentDir}/${CONTENT_FILES.references}`).size > 0 ? getCollection('references') : [],
    getCollection('site'),
  ]);
  faqs.sort(byRankThenId((e) => e.data.order));
  guides.sort(byRankThenId((e) => e.data.order));
  protocols.sort(byRankThenId((e) => e.data.number));
  datasets.sort(byRankThenId((e) => e.data.order));
  const references = refs.map((r) => r.data).sort(byRankThenId((r) => r.number));
  const referenceById = new Map(references.map((r) => [r.id, r]));

  const citedFrom = new Map<string, CitingPlace[]>(references.map((r) => [r.id, []]));
  /** Built on first use (a page's reference list), from citedFrom once it is complete. */
  let byPage: Map<string, Map<string, string[]>> | undefined;
  const cite = (file: string | undefined, field: string, ids: string[], place: CitingPlace) => {
    for (const id of ids) {
      const places = citedFrom.get(id);
      if (!places) throw new UnknownCitationError(file ?? '(unknown file)', field, id);
      places.push(place);
    }
  };
  /** Body citations link to their own markers, numbered as remark-citations numbers them. */
  const citeBody = (entry: { body?: string | undefined }, href: string, label: string) => {
    const seen = new Map<string, number>();
    for (const group of scanCitations(entry.body ?? '')) {
      for (const id of group.ids) {
        const k = (seen.get(id) ?? 0) + 1;
        seen.set(id, k);
        // Unknown ids in bodies are reported, with line and column, by remark-citations.
        citedFrom.get(id)?.push({ href: `${href}#cite-${id}-${k}`, label });
      }
    }
  };

  for (const text of texts) {
    const section = (SECTION_INTROS as readonly string[]).includes(text.id) ? (text.id as SectionIntro) : undefined;
    citeBody(text, section ? INTRO_ROUTES[section] : routes.home(), section ? text.data.title : t('nav.home'));
  }
  const topicIds = new Set(center.topics.map((t) => t.id));
  for (const faq of faqs) {
    for (const [i, topic] of faq.data.topics.entries())
      if (!topicIds.has(topic))
        throw new Error(`${faq.filePath}  field topics.${i}: unknown topic "${topic}"; site.yaml lists ${[...topicIds].join(', ') || 'no topics'}.`);
    citeBody(faq, routes.faq(faq.id), `${t('nav.faq')}: ${faq.data.question}`);
  }
  for (const guide of guides) {
    citeBody(guide, routes.guide(guide.id), guide.data.title);
    guide.data.problems.forEach((problem, p) =>
      problem.causes.forEach((cause, c) =>
        cite(guide.filePath, `problems[${p}].causes[${c}].cites`, cause.cites, {
          href: `${routes.guide(guide.id)}#${problem.id}`,
          label: `${guide.data.title}: ${problem.problem}`,
        }),
      ),
    );
  }
  for (const dataset of datasets) {
    citeBody(dataset, routes.data(), dataset.data.title);
    dataset.data.rows.forEach((row, r) =>
      cite(dataset.filePath, `rows[${r}].cites`, row.cites, {
        href: `${routes.data()}#${dataset.id}`,
        label: `${dataset.data.title}: ${row.cellLine}`,
      }),
    );
  }
  for (const protocol of protocols) {
    citeBody(protocol, routes.protocol(protocol.id), t('protocols.protocol', { number: protocol.data.number }));
    protocol.data.steps.forEach((step, s) =>
      cite(protocol.filePath, `steps[${s}].cites`, step.cites, {
        href: `${routes.protocol(protocol.id)}#${step.id}`,
        label: `${t('protocols.protocol', { number: protocol.data.number })}, ${t('protocols.step', { number: s + 1 })}: ${step.title}`,
      }),
    );
  }

  const textById = new Map(texts.map((t) => [t.id, t]));
  return {
    faqs,
    guides,
    protocols,
    datasets,
    references,
    referenceById,
    citedFrom,
    citedOn: (page, id) => (byPage ??= citationsByPage(citedFrom)).get(page)?.get(id) ?? [],
    siteText: (id) => {
      const entry = textById.get(id);
      if (!entry) throw new Error(`site/${id}.mdx is missing from the content folder: every center needs it.`);
      return entry;
    },
    intro: (section) => textById.get(section),
    texts,
  };
}

const keyedSites = new WeakMap<Site, KeyedSite>();

/**
 * The `cacheKey` of the page of one entry, for a watch's runner to write the page it kept instead of rendering it again when
 * nothing the page shows has changed (src/build/page-reuse.ts); undefined outside a watch. `kind` is the entry's section.
 */
export function entryPageCacheKey(site: Site, kind: string, entry: FaqEntry | GuideEntry | ProtocolEntry): string | undefined {
  let keyed = keyedSites.get(site);
  if (!keyed) {
    keyed = { entries: [site.faqs, site.guides, site.protocols, site.datasets], references: site.references, texts: site.texts, settings: center };
    keyedSites.set(site, keyed);
  }
  return entryPageKey(keyed, kind, entry);
}

/** citedFrom by page: page path → reference id → its in-page addresses, so a page's list does not scan every citation of the site. */
function citationsByPage(citedFrom: ReadonlyMap<string, CitingPlace[]>): Map<string, Map<string, string[]>> {
  const pages = new Map<string, Map<string, string[]>>();
  for (const [id, places] of citedFrom)
    for (const { href } of places) {
      const at = href.indexOf('#');
      if (at < 0) continue;
      const page = pages.get(href.slice(0, at)) ?? new Map<string, string[]>();
      pages.set(href.slice(0, at), page);
      const hashes = page.get(id) ?? [];
      page.set(id, hashes);
      if (!hashes.includes(href.slice(at))) hashes.push(href.slice(at));
    }
  return pages;
}

/** The references a page cites, by number, from its typed fields and its MDX body. */
export function citedReferences(site: Site, ids: Iterable<string>): Reference[] {
  const unique = new Set(ids);
  return site.references.filter((r) => unique.has(r.id));
}

/** Ids cited in an MDX body, in order of first use. */
export function bodyCitations(body: string | undefined): string[] {
  return [...new Set(scanCitations(body ?? '').flatMap((g) => g.ids))];
}

/** A link of the header navigation. */
export interface NavItem {
  label: string;
  href: string;
}

/** The header navigation: only sections that have content, in a fixed order. */
export function navigation(site: Site): NavItem[] {
  const items: (NavItem | false)[] = [
    site.faqs.length > 0 && { label: t('nav.faq'), href: routes.faqIndex() },
    site.guides.length > 0 && { label: t('nav.troubleshooting'), href: routes.guides() },
    site.datasets.length > 0 && { label: t('nav.data'), href: routes.data() },
    site.protocols.length > 0 && { label: t('nav.protocols'), href: routes.protocols() },
    { label: t('nav.references'), href: routes.references() },
  ];
  return items.filter((item): item is NavItem => item !== false);
}

/** Heading and description of a section's index page: the center's intro when it has one, else the interface's neutral words. */
export function sectionHeading(site: Site, section: SectionIntro): { title: string; description: string } {
  const intro = site.intro(section);
  const fallback = {
    faq: ['faq.title', 'faq.description'],
    troubleshooting: ['guides.title', 'guides.description'],
    data: ['data.title', 'data.description'],
    protocols: ['protocols.title', 'protocols.description'],
    references: ['references.title', 'references.description'],
    'dose-response': ['tool.title', 'tool.description'],
  } as const;
  const [title, description] = fallback[section];
  return { title: intro?.data.title ?? t(title), description: intro?.data.short ?? t(description) };
}
