/**
 * Broken content must fail the build with the file, the line or field, and
 * the bad value, and must leave the previously built site untouched.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'hrs-broken-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  output: string;
  /** The sentinel file of the "previous" site, read after the build. */
  previousSite: string;
}

/** Copies the real content, applies `edit`, and builds it over a previous site. */
function buildBroken(name: string, edit: (contentDir: string) => void, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const dir = join(scratch, name);
  const contentDir = join(dir, 'content');
  const outDir = join(dir, 'dist');
  cpSync('content', contentDir, { recursive: true });
  edit(contentDir);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.html'), 'previous good site');
  return new Promise((done) => {
    const child = spawn(process.execPath, ['scripts/build.ts'], {
      env: { ...process.env, SITE_CONTENT_DIR: contentDir, SITE_OUT_DIR: outDir, SITE_CACHE_DIR: join(dir, 'cache'), ...env },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.on('close', (code) => done({ code, output, previousSite: readFileSync(join(outDir, 'index.html'), 'utf8') }));
  });
}

function replaceIn(file: string, from: string | RegExp, to: string) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`fixture edit found nothing to replace in ${file}`);
  writeFileSync(file, next);
}

/** 1-based line of the first occurrence of `needle` in `file`. */
function lineOf(file: string, needle: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(needle)) + 1
  );
}

describe('a build with broken content fails, names the place, and keeps the previous site', () => {
  it('an unknown reference id cited in an MDX body', async () => {
    const result = await buildBroken('unknown-body-id', (dir) =>
      replaceIn(join(dir, 'faq/p95her2.mdx'), /\[@trastuzumab-resistant-lines/, '[@no-such-reference'),
    );
    expect(result.code).not.toBe(0);
    const line = lineOf(join(scratch, 'unknown-body-id/content/faq/p95her2.mdx'), '[@no-such-reference');
    expect(result.output).toMatch(new RegExp(`faq/p95her2\\.mdx:${line}:\\d+`));
    expect(result.output).toContain('Unknown reference id "no-such-reference"');
    expect(result.previousSite).toBe('previous good site');
  });

  it('an unknown reference id in a typed cites field', async () => {
    const result = await buildBroken('unknown-field-id', (dir) =>
      replaceIn(join(dir, 'protocols/western-blot-p-akt.mdx'), 'cites: [benchchem]', 'cites: [benchchem-typo]'),
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/protocols\/western-blot-p-akt\.mdx\s+field steps\[0\]\.cites: unknown reference id "benchchem-typo"/);
    expect(result.previousSite).toBe('previous good site');
  });

  it('a duplicate reference id', async () => {
    const result = await buildBroken('duplicate-id', (dir) => replaceIn(join(dir, 'references.yaml'), 'id: mdpi-11', 'id: mdpi-5'));
    expect(result.code).not.toBe(0);
    const line = lineOf('content/references.yaml', 'id: mdpi-11');
    expect(result.output).toContain(`references.yaml:${line}  references  duplicate reference id "mdpi-5"`);
    expect(result.previousSite).toBe('previous good site');
  });

  it('a malformed reference', async () => {
    const result = await buildBroken('malformed-reference', (dir) =>
      replaceIn(join(dir, 'references.yaml'), 'site: kmdbioscience.com', 'site: https://kmdbioscience.com/page'),
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/references\.yaml:\d+ {2}references {2}field "site"/);
    expect(result.previousSite).toBe('previous good site');
  });

  it('a diagram mermaid cannot parse', async () => {
    const result = await buildBroken('broken-diagram', (dir) => replaceIn(join(dir, 'site/overview.mdx'), '  HER2 --> PI3K\n', '  HER2 -->> PI3K\n'), {
      SITE_DIAGRAM_CACHE: join(scratch, 'broken-diagram/diagram-cache'),
    });
    expect(result.code).not.toBe(0);
    const line = lineOf('content/site/overview.mdx', '  HER2 --> PI3K');
    expect(result.output).toMatch(new RegExp(`site/overview\\.mdx:${line}:1`));
    expect(result.output).toContain('Mermaid could not parse this diagram: Parse error on line');
    expect(result.previousSite).toBe('previous good site');
  });

  it('a frontmatter field that breaks its schema', async () => {
    const result = await buildBroken('schema-error', (dir) => replaceIn(join(dir, 'data/ic50-herceptin.mdx'), /unit: "?µg\/mL"?/, 'unit: ug/ml'));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('ic50-herceptin');
    expect(result.output).toMatch(/rows\.0\.unit/);
    expect(result.previousSite).toBe('previous good site');
  });
});
