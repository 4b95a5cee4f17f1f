import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { datasetCsv } from '../../../src/lib/dataset-csv';
import { DatasetSchema } from '../../../src/schemas/dataset';

const dataset = DatasetSchema.parse({
  title: 'IC50 values',
  drug: 'Herceptin',
  measure: 'IC50',
  order: 1,
  conditionsNote: 'Depends on the assay.',
  rows: [
    { cellLine: 'SK-BR-3', status: 'sensitive', value: 2.88, error: 0.55, unit: 'µg/mL', cites: [] },
    { cellLine: 'BT-474.rTP', status: 'resistant', qualifier: '>', value: 15, unit: 'µg/mL', note: 'Proliferation >80%, "high"', cites: ['mdpi-11'] },
  ],
});

describe('datasetCsv', () => {
  it('writes one parseable row per measurement with numeric values and escaped text', () => {
    const csv = datasetCsv(dataset, new Map([['mdpi-11', { id: 'mdpi-11', number: 11, site: 'mdpi.com' }]]));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.slice(1), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      {
        cell_line: 'SK-BR-3',
        status: 'sensitive',
        qualifier: '=',
        value: '2.88',
        error: '0.55',
        unit: 'µg/mL',
        note: '',
        reference_numbers: '',
        reference_ids: '',
      },
      {
        cell_line: 'BT-474.rTP',
        status: 'resistant',
        qualifier: '>',
        value: '15',
        error: '',
        unit: 'µg/mL',
        note: 'Proliferation >80%, "high"',
        reference_numbers: '11',
        reference_ids: 'mdpi-11',
      },
    ]);
  });
});
