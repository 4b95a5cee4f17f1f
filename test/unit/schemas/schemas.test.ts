import { describe, expect, it } from 'vitest';
import { DatasetSchema, MeasurementRowSchema } from '../../../src/schemas/dataset';
import { FaqSchema } from '../../../src/schemas/faq';
import { ProtocolSchema } from '../../../src/schemas/protocol';
import { ReferenceSchema } from '../../../src/schemas/reference';
import { SiteConfigSchema } from '../../../src/schemas/site-config';
import { SiteTextSchema } from '../../../src/schemas/site-text';
import { TroubleshootingSchema } from '../../../src/schemas/troubleshooting';

/** The path and message of the first problem, for readable assertions. */
function firstIssue(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  const issue = result.error!.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

const validProtocol = {
  title: 'Western blot for a phosphorylated kinase',
  topic: 'Western blot',
  number: 2,
  objective: 'Detect the phosphorylation status of a kinase.',
  version: '1.0',
  lastReviewed: '2025-12-01',
  materials: [{ name: 'Blocking buffer', detail: '5% BSA in TBST' }],
  steps: [
    {
      id: 'blocking',
      title: 'Blocking',
      text: 'Block the membrane for 1 hour at room temperature.',
      conditions: [{ label: 'Time', value: '1 hour' }],
      cites: ['lab-handbook'],
    },
  ],
};

describe('ProtocolSchema', () => {
  it('accepts a complete protocol and turns the review date into a Date', () => {
    const parsed = ProtocolSchema.parse(validProtocol);
    expect(parsed.lastReviewed).toBeInstanceOf(Date);
    expect(parsed.steps[0]!.cites).toEqual(['lab-handbook']);
  });

  it('defaults conditions and cites to empty lists', () => {
    const parsed = ProtocolSchema.parse({ ...validProtocol, steps: [{ id: 'lysis', title: 'Lysis', text: 'Lyse the cells on ice.' }] });
    expect(parsed.steps[0]!.conditions).toEqual([]);
    expect(parsed.steps[0]!.cites).toEqual([]);
  });

  it.each([
    ['a protocol without steps', { ...validProtocol, steps: [] }, 'steps'],
    ['a version that is not a number', { ...validProtocol, version: 'latest' }, 'version'],
    ['an unknown field', { ...validProtocol, autor: 'x' }, ''],
    ['a citation id that is not kebab-case', { ...validProtocol, steps: [{ ...validProtocol.steps[0], cites: ['Lab Handbook'] }] }, 'steps.0.cites.0'],
    ['two steps with one anchor', { ...validProtocol, steps: [validProtocol.steps[0], validProtocol.steps[0]] }, 'steps'],
    ['a review date that is not a date', { ...validProtocol, lastReviewed: 'soon' }, 'lastReviewed'],
  ])('rejects %s', (_name, input, path) => {
    expect(firstIssue(ProtocolSchema.safeParse(input)).path).toBe(path);
  });
});

describe('FaqSchema', () => {
  const valid = {
    question: 'Why do replicate wells differ?',
    summary: 'Uneven seeding and edge effects are the usual causes.',
    order: 2,
    topics: ['assay-variability'],
  };

  it('accepts a valid entry', () => {
    expect(FaqSchema.parse(valid)).toEqual(valid);
  });

  it('rejects a summary of more than one sentence', () => {
    expect(firstIssue(FaqSchema.safeParse({ ...valid, summary: 'Cells settle unevenly. Outer wells evaporate faster.' })).message).toMatch(/one sentence/);
  });

  it('rejects a topic id that is not kebab-case (whether site.yaml lists it is a content check)', () => {
    expect(firstIssue(FaqSchema.safeParse({ ...valid, topics: ['Assay Variability'] })).path).toBe('topics.0');
  });

  it('rejects an entry without topics', () => {
    expect(firstIssue(FaqSchema.safeParse({ ...valid, topics: [] })).path).toBe('topics');
  });
});

describe('TroubleshootingSchema', () => {
  const cause = { cause: 'Insufficient washing.', solution: 'Wash more often and for longer.', cites: ['vendor-wb-guide'] };
  const valid = {
    title: 'Western blotting',
    topic: 'Western blot',
    summary: 'Fixes for western blots.',
    order: 1,
    problems: [{ id: 'high-background', problem: 'High background.', causes: [cause, cause] }],
  };

  it('keeps several causes under one problem', () => {
    expect(TroubleshootingSchema.parse(valid).problems[0]!.causes).toHaveLength(2);
  });

  it('rejects a problem without causes', () => {
    expect(firstIssue(TroubleshootingSchema.safeParse({ ...valid, problems: [{ ...valid.problems[0], causes: [] }] })).path).toBe('problems.0.causes');
  });

  it('rejects two problems with the same anchor', () => {
    expect(firstIssue(TroubleshootingSchema.safeParse({ ...valid, problems: [valid.problems[0], valid.problems[0]] })).message).toMatch(/unique/);
  });
});

describe('DatasetSchema', () => {
  const row = { cellLine: 'Line 1', status: 'Responder', value: 3.75, error: 0.42, unit: 'µg/mL', cites: [] };
  const valid = { title: 'IC50 values', drug: 'Compound A', measure: 'IC50', order: 1, rows: [row], conditionsNote: 'Values depend on the assay.' };

  it('accepts a value with its error and defaults the qualifier to "="', () => {
    expect(DatasetSchema.parse(valid).rows[0]).toMatchObject({ qualifier: '=', value: 3.75, error: 0.42 });
  });

  it('rejects a unit written as ug/ml', () => {
    expect(firstIssue(MeasurementRowSchema.safeParse({ ...row, unit: 'ug/ml' })).path).toBe('unit');
  });

  it('rejects a lower bound that carries an error', () => {
    expect(firstIssue(MeasurementRowSchema.safeParse({ ...row, qualifier: '>' })).path).toBe('error');
  });

  it('takes any status label when the table declares none, and defaults the first column to "Cell line"', () => {
    const parsed = DatasetSchema.parse({ ...valid, drug: undefined, rows: [{ ...row, status: 'Partial' }] });
    expect(parsed.rows[0]!.status).toBe('Partial');
    expect(parsed.rowLabel).toBe('Cell line');
  });

  it('rejects a status the table does not declare, at the row', () => {
    expect(firstIssue(DatasetSchema.safeParse({ ...valid, statuses: ['Responder', 'Non-responder'], rows: [row, { ...row, status: 'Partial' }] })).path).toBe(
      'rows.1.status',
    );
  });

  it.each(['ng/mL', 'µM', 'nM', 'mg/kg', '%'])('accepts the lab unit %s', (unit) => {
    expect(MeasurementRowSchema.parse({ ...row, unit }).unit).toBe(unit);
  });

  it.each(['uM', 'μM', 'ug/mL', 'mg/Kg'])('rejects the look-alike unit %s', (unit) => {
    expect(firstIssue(MeasurementRowSchema.safeParse({ ...row, unit })).path).toBe('unit');
  });
});

describe('ReferenceSchema', () => {
  it('accepts a reference that is only a site name', () => {
    expect(ReferenceSchema.parse({ id: 'example-5', number: 5, site: 'example.org' })).toEqual({ id: 'example-5', number: 5, site: 'example.org' });
  });

  it.each([
    ['a site given as a URL', { id: 'x', number: 1, site: 'https://example.org' }, 'site'],
    ['a number of zero', { id: 'x', number: 0, site: 'example.org' }, 'number'],
    ['an id with capitals', { id: 'ExampleLab', number: 1, site: 'example.org' }, 'id'],
    ['a url that is not a URL', { id: 'x', number: 1, site: 'example.org', url: 'example.org/paper' }, 'url'],
    ['a javascript: url', { id: 'x', number: 1, site: 'example.org', url: 'javascript:alert(1)' }, 'url'],
    ['a DOI written as a link', { id: 'x', number: 1, doi: 'https://doi.org/10.1000/xyz' }, 'doi'],
    ['an entry with nothing to find it by', { id: 'x', number: 1, year: 2001 }, ''],
  ])('rejects %s', (_name, input, path) => {
    expect(firstIssue(ReferenceSchema.safeParse(input)).path).toBe(path);
  });
});

describe('ReferenceSchema, full citations', () => {
  it('accepts authors, year, title, container and DOI without a site', () => {
    const ref = {
      id: 'smith-2020',
      number: 1,
      authors: ['Smith A', 'Jones B'],
      year: 2020,
      title: 'A method',
      container: 'Journal of Methods',
      doi: '10.1000/xyz123',
    };
    expect(ReferenceSchema.parse(ref)).toEqual(ref);
  });
});

describe('SiteTextSchema', () => {
  it('requires a full URL in the structured citation', () => {
    const citation = { author: 'Example Lab', title: 'T', publisher: 'Example Lab', year: 2025, medium: 'Online PDF', url: 'example.org' };
    expect(firstIssue(SiteTextSchema.safeParse({ title: 'How to cite', citation })).path).toBe('citation.url');
  });
});

describe('SiteConfigSchema', () => {
  const minimal = { name: 'ADC Assay Support Center', shortName: 'ADC Assays', description: 'Support for ADC in vitro assays.' };

  it('gives a center that says nothing about the dose–response tool the neutral words the contract names, and switches it on', () => {
    const { doseResponse } = SiteConfigSchema.parse(minimal);
    expect(doseResponse).toEqual({ enabled: true, concentrationLabel: 'Concentration', lineA: 'Line A', lineB: 'Line B', ratioLabel: 'Fold change' });
    expect(doseResponse.unit).toBeUndefined();
  });

  it('keeps the neutral words for what a center leaves out, and its own for what it gives', () => {
    const { doseResponse } = SiteConfigSchema.parse({ ...minimal, doseResponse: { lineA: 'Parental', unit: 'nM' } });
    expect(doseResponse).toMatchObject({ enabled: true, lineA: 'Parental', lineB: 'Line B', unit: 'nM', concentrationLabel: 'Concentration' });
    expect(SiteConfigSchema.parse({ ...minimal, doseResponse: { enabled: false } }).doseResponse.enabled).toBe(false);
  });

  it('refuses a unit that is not a lab unit it knows, and a key it does not know', () => {
    expect(SiteConfigSchema.safeParse({ ...minimal, doseResponse: { unit: 'furlongs' } }).success).toBe(false);
    expect(SiteConfigSchema.safeParse({ ...minimal, colour: 'blue' }).success).toBe(false);
  });
});
