import type { APIRoute, GetStaticPaths } from 'astro';
import { loadSite, type DatasetEntry } from '../../lib/content.ts';
import { datasetCsv } from '../../lib/dataset-csv.ts';

export const getStaticPaths = (async () => {
  const { datasets } = await loadSite();
  return datasets.map((dataset) => ({ params: { slug: dataset.id }, props: { dataset } }));
}) satisfies GetStaticPaths;

/** The dataset as a CSV download. */
export const GET: APIRoute<{ dataset: DatasetEntry }> = async ({ props }) => {
  const { referenceById } = await loadSite();
  return new Response(datasetCsv(props.dataset.data, referenceById), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8' },
  });
};
