import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkContent } from '../../scripts/check/content-checks';

const dir = mkdtempSync(join(tmpdir(), 'hrs-new-'));
const content = join(dir, 'content');
cpSync('content', content, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scaffold = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/new.ts', ...args], { env: { ...process.env, SITE_CONTENT_DIR: content }, encoding: 'utf8' });

describe('npm run new', () => {
  it.each([
    ['faq', 'Does HER3 matter?', 'faq/does-her3-matter.mdx'],
    ['protocol', 'MTS viability assay', 'protocols/mts-viability-assay.mdx'],
    ['troubleshooting', 'Viability assays', 'troubleshooting/viability-assays.mdx'],
  ])('scaffolds a %s that passes the checks, with every field explained', async (type, title, file) => {
    const result = scaffold(type, title);
    expect(result.status, result.stderr).toBe(0);
    const text = readFileSync(join(content, file), 'utf8');
    expect(text).toContain(JSON.stringify(title));
    // Every top-level field comes right after a comment that explains it.
    const lines = text.split('\n');
    const unexplained = lines.flatMap((line, i) => (/^\w+:/.test(line) && !lines[i - 1]!.startsWith('#') ? [line] : []));
    expect(unexplained).toEqual([]);
    const errors = (await checkContent(content, { diagrams: false })).filter((f) => f.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('refuses a slug that already exists', () => {
    const existing = scaffold('protocol', 'Western blot p-Akt');
    expect(existing.status).not.toBe(0);
    expect(existing.stderr).toMatch(/protocols\/western-blot-p-akt\.mdx already exists; choose another title\./);
    expect(readFileSync(join(content, 'protocols/western-blot-p-akt.mdx'), 'utf8')).toBe(readFileSync('content/protocols/western-blot-p-akt.mdx', 'utf8'));
    expect(scaffold('faq', 'A brand new question?').status).toBe(0);
    expect(scaffold('faq', 'A brand new question?').status).not.toBe(0);
  });

  it('adds a reference with the next number and refuses its id twice', async () => {
    expect(scaffold('reference', 'New viability review').status).toBe(0);
    const refs = readFileSync(join(content, 'references.yaml'), 'utf8');
    expect(refs).toMatch(/- id: new-viability-review\n {2}number: 18\n/);
    const findings = await checkContent(content, { diagrams: false });
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.some((f) => f.rule === 'reference-unused')).toBe(true);
    expect(scaffold('reference', 'New viability review').status).not.toBe(0);
  });

  it('explains its usage when called wrongly', () => {
    const result = scaffold('poster', 'x');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('usage: npm run new -- <faq|protocol|troubleshooting|reference> "Title"');
    expect(existsSync(join(content, 'poster'))).toBe(false);
  });
});
