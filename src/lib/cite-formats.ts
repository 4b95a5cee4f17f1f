/**
 * Citation exports (BibTeX, RIS, CSL-JSON) for the center's source document
 * and for each of its references. They carry only what the content gives: no
 * author, year, DOI or URL is added where it has none, and a reference given
 * as a bare site name says so in a note.
 */
import type { Reference } from '../schemas/reference.ts';
import type { SiteText } from '../schemas/site-text.ts';

/** What every export is made from. */
export interface CitationRecord {
  /** Key for BibTeX and id for CSL-JSON. */
  key: string;
  type: 'report' | 'webpage' | 'article';
  title?: string | undefined;
  /** One literal name per author, as the content gives them. */
  authors?: string[] | undefined;
  /** Journal or book the work appeared in. */
  container?: string | undefined;
  doi?: string | undefined;
  publisher?: string | undefined;
  /** Site (host name) the source names. */
  site?: string | undefined;
  year?: number | undefined;
  medium?: string | undefined;
  url?: string | undefined;
  note?: string | undefined;
}

type SourceCitation = NonNullable<SiteText['citation']>;

/** The source document itself, from site/how-to-cite.mdx; `fallbackKey` is used when it gives no `key`. */
export function documentRecord(citation: SourceCitation, fallbackKey: string): CitationRecord {
  return {
    key: citation.key ?? fallbackKey,
    type: 'report',
    title: citation.title,
    authors: [citation.author],
    publisher: citation.publisher,
    year: citation.year,
    medium: citation.medium,
    url: citation.url,
  };
}

/** One numbered reference, exactly as the content gives it. */
export function referenceRecord(ref: Reference): CitationRecord {
  const siteOnly = !ref.title && !ref.doi && !ref.url && !ref.authors;
  return {
    key: ref.id,
    type: ref.container || ref.doi ? 'article' : 'webpage',
    title: ref.title,
    authors: ref.authors,
    container: ref.container,
    doi: ref.doi,
    year: ref.year,
    publisher: ref.publisher,
    site: ref.site,
    url: ref.url,
    note: siteOnly
      ? `Reference ${ref.number}, given only as the site name ${ref.site}; no title, author or link.`
      : ref.site
        ? `Reference ${ref.number}; site: ${ref.site}.`
        : `Reference ${ref.number}.`,
  };
}

/** BibTeX: braces protect capitals and special characters; only given fields are written. */
export function toBibTeX(records: CitationRecord[]): string {
  const esc = (s: string) => s.replace(/[\\{}]/g, (c) => `\\${c}`).replace(/([&%$#_])/g, '\\$1');
  return records
    .map((r) => {
      const fields: [string, string | number | undefined][] = [
        ['title', r.title ? `{${esc(r.title)}}` : undefined],
        ['author', r.authors ? r.authors.map((a) => `{${esc(a)}}`).join(' and ') : undefined],
        ['journal', r.container ? esc(r.container) : undefined],
        ['doi', r.doi],
        ['publisher', r.publisher ? esc(r.publisher) : undefined],
        ['howpublished', r.medium ? esc(r.medium) : r.site ? esc(r.site) : undefined],
        ['year', r.year],
        ['url', r.url],
        ['note', r.note ? esc(r.note) : undefined],
      ];
      const body = fields
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `  ${k} = {${v}}`)
        .join(',\n');
      return `@${r.type === 'article' ? 'article' : 'misc'}{${r.key},\n${body}\n}\n`;
    })
    .join('\n');
}

/** RIS, one record per reference, CRLF line ends as the format expects. */
export function toRIS(records: CitationRecord[]): string {
  return records
    .map((r) => {
      const lines: [string, string | number | undefined][] = [
        ['TY', r.type === 'report' ? 'RPRT' : r.type === 'article' ? 'JOUR' : 'ELEC'],
        ['TI', r.title ?? r.site],
        ...(r.authors ?? []).map((a): [string, string] => ['AU', a]),
        ['T2', r.container],
        ['DO', r.doi],
        ['PB', r.publisher],
        ['PY', r.year],
        ['M3', r.medium],
        ['UR', r.url],
        ['N1', r.note],
        ['ID', r.key],
        ['ER', ''],
      ];
      return lines
        .filter(([, v]) => v !== undefined)
        .map(([tag, v]) => `${tag}  - ${v}`.trimEnd())
        .join('\r\n');
    })
    .join('\r\n\r\n')
    .concat('\r\n');
}

/** CSL-JSON, as Zotero, Mendeley and citation processors read it. */
export function toCslJson(records: CitationRecord[]): string {
  return (
    JSON.stringify(
      records.map((r) => ({
        id: r.key,
        type: r.type === 'article' ? 'article-journal' : r.type,
        ...(r.title ? { title: r.title } : {}),
        ...(r.authors ? { author: r.authors.map((literal) => ({ literal })) } : {}),
        ...(r.publisher ? { publisher: r.publisher } : {}),
        ...(r.container || r.site ? { 'container-title': r.container ?? r.site } : {}),
        ...(r.doi ? { DOI: r.doi } : {}),
        ...(r.year ? { issued: { 'date-parts': [[r.year]] } } : {}),
        ...(r.medium ? { medium: r.medium } : {}),
        ...(r.url ? { URL: r.url } : {}),
        ...(r.note ? { note: r.note } : {}),
      })),
      null,
      2,
    ) + '\n'
  );
}

/** The three formats, by file extension, with their media types. */
export const CITE_FORMATS = {
  bib: { label: 'BibTeX', type: 'application/x-bibtex; charset=utf-8', render: toBibTeX },
  ris: { label: 'RIS', type: 'application/x-research-info-systems; charset=utf-8', render: toRIS },
  json: { label: 'CSL-JSON', type: 'application/vnd.citationstyles.csl+json; charset=utf-8', render: toCslJson },
} as const;

export type CiteFormat = keyof typeof CITE_FORMATS;
