import { describe, expect, it } from 'vitest';
import { DatasetSchema, MeasurementRowSchema } from '../../src/schemas/dataset';
import { FaqSchema } from '../../src/schemas/faq';
import { ProtocolSchema } from '../../src/schemas/protocol';
import { ReferenceSchema } from '../../src/schemas/reference';
import { SiteTextSchema } from '../../src/schemas/site-text';
import { TroubleshootingSchema } from '../../src/schemas/troubleshooting';

/** The path and message of the first problem, for readable assertions. */
function firstIssue(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  expect(result.success).toBe(false);
  const issue = result.error!.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

const validProtocol = {
  title: 'Western blot for p-Akt (Ser473) detection',
  topic: 'Western blot',
  number: 2,
  objective: 'Detect the phosphorylation status of Akt.',
  version: '1.0',
  lastReviewed: '2025-12-01',
  materials: [{ name: 'Blocking buffer', detail: '5% BSA in TBST' }],
  steps: [
    {
      id: 'blocking',
      title: 'Blocking',
      text: 'Block the membrane for 1 hour at room temperature.',
      conditions: [{ label: 'Time', value: '1 hour' }],
      cites: ['benchchem'],
    },
  ],
};

describe('ProtocolSchema', () => {
  it('accepts a complete protocol and turns the review date into a Date', () => {
    const parsed = ProtocolSchema.parse(validProtocol);
    expect(parsed.lastReviewed).toBeInstanceOf(Date);
    expect(parsed.steps[0]!.cites).toEqual(['benchchem']);
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
    ['a citation id that is not kebab-case', { ...validProtocol, steps: [{ ...validProtocol.steps[0], cites: ['Bench Chem'] }] }, 'steps.0.cites.0'],
    ['two steps with one anchor', { ...validProtocol, steps: [validProtocol.steps[0], validProtocol.steps[0]] }, 'steps'],
    ['a review date that is not a date', { ...validProtocol, lastReviewed: 'soon' }, 'lastReviewed'],
  ])('rejects %s', (_name, input, path) => {
    expect(firstIssue(ProtocolSchema.safeParse(input)).path).toBe(path);
  });
});

describe('FaqSchema', () => {
  const valid = {
    question: 'How does p95HER2 confer resistance?',
    summary: 'It lacks the domain that Herceptin binds.',
    order: 2,
    mechanisms: ['her2-alteration'],
  };

  it('accepts a valid entry', () => {
    expect(FaqSchema.parse(valid)).toEqual(valid);
  });

  it('rejects a summary of more than one sentence', () => {
    expect(firstIssue(FaqSchema.safeParse({ ...valid, summary: 'It lacks the domain. It signals on its own.' })).message).toMatch(/one sentence/);
  });

  it('rejects an unknown mechanism', () => {
    expect(firstIssue(FaqSchema.safeParse({ ...valid, mechanisms: ['magic'] })).path).toBe('mechanisms.0');
  });
});

describe('TroubleshootingSchema', () => {
  const cause = { cause: 'Insufficient washing.', solution: 'Wash more often and for longer.', cites: ['thermo-wb-troubleshooting'] };
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
  const row = { cellLine: 'SK-BR-3', status: 'sensitive', value: 2.88, error: 0.55, unit: 'µg/mL', cites: [] };
  const valid = { title: 'IC50 values', drug: 'Herceptin', measure: 'IC50', order: 1, rows: [row], conditionsNote: 'Values depend on the assay.' };

  it('accepts a value with its error and defaults the qualifier to "="', () => {
    expect(DatasetSchema.parse(valid).rows[0]).toMatchObject({ qualifier: '=', value: 2.88, error: 0.55 });
  });

  it('rejects a unit written as ug/ml', () => {
    expect(firstIssue(MeasurementRowSchema.safeParse({ ...row, unit: 'ug/ml' })).path).toBe('unit');
  });

  it('rejects a lower bound that carries an error', () => {
    expect(firstIssue(MeasurementRowSchema.safeParse({ ...row, qualifier: '>' })).path).toBe('error');
  });

  it('rejects a status other than sensitive or resistant', () => {
    expect(firstIssue(MeasurementRowSchema.safeParse({ ...row, status: 'partial' })).path).toBe('status');
  });
});

describe('ReferenceSchema', () => {
  it('accepts a reference that is only a site name', () => {
    expect(ReferenceSchema.parse({ id: 'mdpi-5', number: 5, site: 'mdpi.com' })).toEqual({ id: 'mdpi-5', number: 5, site: 'mdpi.com' });
  });

  it.each([
    ['a site given as a URL', { id: 'x', number: 1, site: 'https://mdpi.com' }, 'site'],
    ['a number of zero', { id: 'x', number: 0, site: 'mdpi.com' }, 'number'],
    ['an id with capitals', { id: 'MDPI', number: 1, site: 'mdpi.com' }, 'id'],
    ['a url that is not a URL', { id: 'x', number: 1, site: 'mdpi.com', url: 'mdpi.com/paper' }, 'url'],
  ])('rejects %s', (_name, input, path) => {
    expect(firstIssue(ReferenceSchema.safeParse(input)).path).toBe(path);
  });
});

describe('SiteTextSchema', () => {
  it('requires a full URL in the structured citation', () => {
    const citation = { author: 'BenchChem', title: 'T', publisher: 'BenchChem', year: 2025, medium: 'Online PDF', url: 'benchchem.com' };
    expect(firstIssue(SiteTextSchema.safeParse({ title: 'How to cite', citation })).path).toBe('citation.url');
  });
});
