import type { APIRoute, GetStaticPaths } from 'astro';
import { loadSite } from '../../lib/content.ts';
import { CITE_FORMATS, documentRecord, referenceRecord, type CitationRecord, type CiteFormat } from '../../lib/cite-formats.ts';

/** /cite/document.bib, /cite/references.ris, /cite/<reference-id>.json, … */
export const getStaticPaths = (async () => {
  const site = await loadSite();
  const citation = site.siteText('how-to-cite').data.citation;
  if (!citation) throw new Error('content/site/how-to-cite.mdx needs its citation fields for the citation downloads.');
  const sets: [string, CitationRecord[]][] = [
    ['document', [documentRecord(citation)]],
    ['references', site.references.map(referenceRecord)],
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
