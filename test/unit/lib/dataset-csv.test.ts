import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { datasetCsv } from '../../../src/lib/dataset-csv';
import { DatasetSchema } from '../../../src/schemas/dataset';

const dataset = DatasetSchema.parse({
  title: 'IC50 values',
  drug: 'Cisplatin',
  measure: 'IC50',
  order: 1,
  conditionsNote: 'Depends on the assay.',
  rows: [
    { cellLine: 'A549', status: 'sensitive', value: 3.75, error: 0.42, unit: 'µM', cites: [] },
    { cellLine: 'A549/DDP', status: 'resistant', qualifier: '>', value: 20, unit: 'µM', note: 'Viability >80%, "high"', cites: ['smith-2020'] },
  ],
});

describe('datasetCsv', () => {
  it('writes one parseable row per measurement with numeric values and escaped text', () => {
    const csv = datasetCsv(dataset, new Map([['smith-2020', { id: 'smith-2020', number: 11, site: 'journals.example.org' }]]));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = parse(csv.slice(1), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      {
        cell_line: 'A549',
        status: 'sensitive',
        qualifier: '=',
        value: '3.75',
        error: '0.42',
        unit: 'µM',
        note: '',
        reference_numbers: '',
        reference_ids: '',
      },
      {
        cell_line: 'A549/DDP',
        status: 'resistant',
        qualifier: '>',
        value: '20',
        error: '',
        unit: 'µM',
        note: 'Viability >80%, "high"',
        reference_numbers: '11',
        reference_ids: 'smith-2020',
      },
    ]);
  });
});
