import { stringify } from 'csv-stringify/sync';
import type { Dataset } from '../schemas/dataset.ts';
import type { Reference } from '../schemas/reference.ts';

/**
 * A dataset as CSV for spreadsheets: one row per measurement, the qualifier
 * and error in columns of their own so that values stay numeric, and the
 * references as their numbers and ids.
 */
export function datasetCsv(dataset: Dataset, referenceById: ReadonlyMap<string, Reference>): string {
  const header = ['cell_line', 'status', 'qualifier', 'value', 'error', 'unit', 'note', 'reference_numbers', 'reference_ids'];
  const rows = dataset.rows.map((r) => [
    r.cellLine,
    r.status,
    r.qualifier,
    r.value,
    r.error ?? '',
    r.unit,
    r.note ?? '',
    r.cites.map((id) => referenceById.get(id)?.number ?? '').join(' '),
    r.cites.join(' '),
  ]);
  // The BOM makes spreadsheet programs read µ as UTF-8.
  return '\uFEFF' + stringify([header, ...rows], { record_delimiter: '\r\n' });
}
