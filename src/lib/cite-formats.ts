/**
 * Citation exports (BibTeX, RIS, CSL-JSON) for the source document and for
 * each of its references. They carry only what the source gives: no author,
 * year, DOI or URL is added where the source has none, and a reference given
 * as a bare site name says so in a note.
 */
import type { Reference } from '../schemas/reference.ts';
import type { SiteText } from '../schemas/site-text.ts';

/** What every export is made from. */
export interface CitationRecord {
  /** Key for BibTeX and id for CSL-JSON. */
  key: string;
  type: 'report' | 'webpage';
  title?: string | undefined;
  author?: string | undefined;
  publisher?: string | undefined;
  /** Site (host name) the source names. */
  site?: string | undefined;
  year?: number | undefined;
  medium?: string | undefined;
  url?: string | undefined;
  note?: string | undefined;
}

type SourceCitation = NonNullable<SiteText['citation']>;

/** The source document itself, from content/site/how-to-cite.mdx. */
export function documentRecord(citation: SourceCitation): CitationRecord {
  return {
    key: 'benchchem2025herceptin',
    type: 'report',
    title: citation.title,
    author: citation.author,
    publisher: citation.publisher,
    year: citation.year,
    medium: citation.medium,
    url: citation.url,
  };
}

/** One numbered reference, exactly as the source gives it. */
export function referenceRecord(ref: Reference): CitationRecord {
  return {
    key: ref.id,
    type: 'webpage',
    title: ref.title,
    publisher: ref.publisher,
    site: ref.site,
    url: ref.url,
    note: ref.title
      ? `Reference ${ref.number} of the source document; site: ${ref.site}.`
      : `Reference ${ref.number} of the source document, which gives only the site name ${ref.site}; no title, author or link.`,
  };
}

/** BibTeX: braces protect capitals and special characters; only given fields are written. */
export function toBibTeX(records: CitationRecord[]): string {
  const esc = (s: string) => s.replace(/[\\{}]/g, (c) => `\\${c}`).replace(/([&%$#_])/g, '\\$1');
  return records
    .map((r) => {
      const fields: [string, string | number | undefined][] = [
        ['title', r.title ? `{${esc(r.title)}}` : undefined],
        ['author', r.author ? `{${esc(r.author)}}` : undefined],
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
      return `@misc{${r.key},\n${body}\n}\n`;
    })
    .join('\n');
}

/** RIS, one record per reference, CRLF line ends as the format expects. */
export function toRIS(records: CitationRecord[]): string {
  return records
    .map((r) => {
      const lines: [string, string | number | undefined][] = [
        ['TY', r.type === 'report' ? 'RPRT' : 'ELEC'],
        ['TI', r.title ?? r.site],
        ['AU', r.author],
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
        type: r.type,
        ...(r.title ? { title: r.title } : {}),
        ...(r.author ? { author: [{ literal: r.author }] } : {}),
        ...(r.publisher ? { publisher: r.publisher } : {}),
        ...(r.site ? { 'container-title': r.site } : {}),
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
