import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkContent } from '../../../scripts/check/content-checks';
import { parse } from 'yaml';
import { VocabularySchema } from '../../../src/schemas/vocabulary';

const dir = mkdtempSync(join(tmpdir(), 'support-center-new-'));
const content = join(dir, 'center');
cpSync('test/fixtures/centers/qpcr', content, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/new.ts', ...args], { env: { ...process.env, SITE_CONTENT_DIR: '' }, encoding: 'utf8' });
const scaffold = (...args: string[]) => run(...args, '--content', content);

/** Every top-level field comes right after a comment that explains it. */
function unexplained(text: string): string[] {
  const lines = text.split('\n');
  return lines.flatMap((line, i) => (/^\w+:/.test(line) && !lines[i - 1]!.startsWith('#') ? [line] : []));
}

describe('npm run new', () => {
  it.each([
    ['faq', 'Why is my Ct late?', 'faq/why-is-my-ct-late.mdx'],
    ['protocol', 'MTS viability assay', 'protocols/mts-viability-assay.mdx'],
    ['troubleshooting', 'Viability assays', 'troubleshooting/viability-assays.mdx'],
  ])('scaffolds a %s in the center given with --content that passes the checks, with every field explained', async (type, title, file) => {
    const result = scaffold(type, title);
    expect(result.status, result.stderr).toBe(0);
    const text = readFileSync(join(content, file), 'utf8');
    expect(text).toContain(JSON.stringify(title));
    expect(unexplained(text)).toEqual([]);
    const errors = (await checkContent(content, { diagrams: false })).filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('gives a new FAQ a topic of this center, not of another', () => {
    expect(scaffold('faq', 'Which dye should I use?').status).toBe(0);
    expect(readFileSync(join(content, 'faq/which-dye-should-i-use.mdx'), 'utf8')).toMatch(/^topics:\n {2}- assay-design$/m);
  });

  it('refuses a slug that already exists', () => {
    const existing = scaffold('protocol', 'Primer efficiency');
    expect(existing.status).not.toBe(0);
    expect(existing.stderr).toMatch(/protocols\/primer-efficiency\.mdx already exists; choose another title\./);
    expect(readFileSync(join(content, 'protocols/primer-efficiency.mdx'), 'utf8')).toBe(
      readFileSync('test/fixtures/centers/qpcr/protocols/primer-efficiency.mdx', 'utf8'),
    );
  });

  it('adds a reference with the next number and refuses its id twice', async () => {
    expect(scaffold('reference', 'New viability review').status).toBe(0);
    const refs = readFileSync(join(content, 'references.yaml'), 'utf8');
    expect(refs).toMatch(/- id: new-viability-review\n {2}number: 6\n/);
    const findings = await checkContent(content, { diagrams: false });
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.some((f) => f.rule === 'reference-unused')).toBe(true);
    expect(scaffold('reference', 'New viability review').status).not.toBe(0);
  });

  it('explains its usage when called wrongly', () => {
    const result = scaffold('poster', 'x');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('usage: npm run new -- center <dir> "Name"');
    expect(existsSync(join(content, 'poster'))).toBe(false);
  });

  it('says in one line that a folder without site.yaml is not a center, instead of a stack trace', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const result = run('faq', 'A question?', '--content', empty);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/is not a center \(no site\.yaml\)\. Start one with npm run new -- center/);
    expect(result.stderr).not.toMatch(/ENOENT|at .*\.ts:\d+/);
  });
});

describe('npm run new -- center', () => {
  it('writes a minimal center, every site.yaml field explained, that passes the checks', async () => {
    const center = join(dir, 'fresh-center');
    const result = run('center', center, 'Flow Cytometry Support Center');
    expect(result.status, result.stderr).toBe(0);
    for (const file of ['site.yaml', 'references.yaml', 'vocabulary.yaml', 'site/overview.mdx', 'site/how-to-cite.mdx', 'site/disclaimer.mdx'])
      expect(existsSync(join(center, file)), file).toBe(true);
    // Search understands the common lab shorthand from the start.
    const vocabulary = VocabularySchema.parse(parse(readFileSync(join(center, 'vocabulary.yaml'), 'utf8')));
    expect(vocabulary.shorthand.find((g) => g.canonical === 'room temperature')?.variants).toContain('RT');
    expect(vocabulary.shorthand.find((g) => g.canonical === 'overnight')?.variants).toContain('O/N');
    const site = readFileSync(join(center, 'site.yaml'), 'utf8');
    expect(site).toContain('name: "Flow Cytometry Support Center"');
    expect(unexplained(site)).toEqual([]);
    expect((await checkContent(center, { diagrams: false })).filter((f) => f.severity === 'error')).toEqual([]);
    // Entries can be added to it at once.
    expect(run('faq', 'How many events should I record?', '--content', center).status).toBe(0);
    expect(run('reference', 'A flow cytometry guide', '--content', center).status).toBe(0);
    expect((await checkContent(center, { diagrams: false })).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('refuses a folder that already holds files', () => {
    const result = run('center', content, 'Another Center');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/site\.yaml already exists/);
  });
});
