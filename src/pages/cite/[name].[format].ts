import type { APIRoute, GetStaticPaths } from 'astro';
import { loadSite } from '../../lib/content.ts';
import { center } from '../../lib/center.ts';
import { siteSlug } from '../../lib/site-config.ts';
import { CITE_FORMATS, documentRecord, referenceRecord, type CitationRecord, type CiteFormat } from '../../lib/cite-formats.ts';

/** /cite/document.bib, /cite/references.ris, /cite/<reference-id>.json, … */
export const getStaticPaths = (async () => {
  const site = await loadSite();
  const citation = site.siteText('how-to-cite').data.citation;
  // Without citation fields in site/how-to-cite.mdx there is no document citation to download (and no link to one).
  const sets: [string, CitationRecord[]][] = [
    ...(citation ? [['document', [documentRecord(citation, siteSlug(center))]] as [string, CitationRecord[]]] : []),
    ...(site.references.length > 0 ? [['references', site.references.map(referenceRecord)] as [string, CitationRecord[]]] : []),
    ...site.references.map((r): [string, CitationRecord[]] => [r.id, [referenceRecord(r)]]),
  ];
  return sets.flatMap(([name, records]) =>
    (Object.keys(CITE_FORMATS) as CiteFormat[]).map((format) => ({ params: { name, format }, props: { records, format } })),
  );
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ records: CitationRecord[]; format: CiteFormat }> = ({ props }) => {
  const { type, render } = CITE_FORMATS[props.format];
  return new Response(render(props.records), { headers: { 'Content-Type': type } });
};
