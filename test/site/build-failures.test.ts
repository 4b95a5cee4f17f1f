/**
 * Broken content, one kind per fixture: the build stops before Astro runs,
 * names the rule, the file and the line, exits non-zero, and leaves the
 * previous site untouched.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const scratch = mkdtempSync(join(tmpdir(), 'hrs-broken-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true, maxRetries: 5 }));

function replaceIn(file: string, from: string | RegExp, to: string) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`fixture edit found nothing to replace in ${file}`);
  writeFileSync(file, next);
}

function appendTo(file: string, text: string) {
  writeFileSync(file, readFileSync(file, 'utf8') + text);
}

interface Fixture {
  /** What is broken. */
  name: string;
  /** The rule id the message must carry. */
  rule: string;
  /** The file it must name, relative to content/. */
  file: string;
  /** Text on the line the message must point at; omitted for line 1. */
  marker?: string;
  edit: (content: string) => void;
}

const FIXTURES: Fixture[] = [
  {
    name: 'a missing field',
    rule: 'schema',
    file: 'faq/p95her2.mdx',
    marker: 'question:',
    edit: (c) => replaceIn(join(c, 'faq/p95her2.mdx'), /^summary:.*\n/m, ''),
  },
  {
    name: 'a wrong type',
    rule: 'schema',
    file: 'protocols/ihc-ffpe.mdx',
    marker: 'number: three',
    edit: (c) => replaceIn(join(c, 'protocols/ihc-ffpe.mdx'), /^number: 3$/m, 'number: three'),
  },
  {
    name: 'an unknown citation in MDX',
    rule: 'citation-unknown',
    file: 'faq/p95her2.mdx',
    marker: '[@no-such-reference',
    edit: (c) => replaceIn(join(c, 'faq/p95her2.mdx'), '[@trastuzumab-resistant-lines', '[@no-such-reference'),
  },
  {
    name: 'an unknown citation in a typed field',
    rule: 'citation-unknown',
    file: 'protocols/western-blot-p-akt.mdx',
    marker: 'benchchem-typo',
    edit: (c) => replaceIn(join(c, 'protocols/western-blot-p-akt.mdx'), 'cites: [benchchem]', 'cites: [benchchem-typo]'),
  },
  {
    name: 'a duplicate reference id',
    rule: 'reference-duplicate',
    file: 'references.yaml',
    marker: 'id: mdpi-5 # dup',
    edit: (c) => replaceIn(join(c, 'references.yaml'), 'id: mdpi-11', 'id: mdpi-5 # dup'),
  },
  {
    name: 'a malformed reference',
    rule: 'schema',
    file: 'references.yaml',
    marker: 'id: kmd-bioscience',
    edit: (c) => replaceIn(join(c, 'references.yaml'), 'site: kmdbioscience.com', 'site: https://kmdbioscience.com/page'),
  },
  {
    name: 'a broken link',
    rule: 'link-broken',
    file: 'faq/p95her2.mdx',
    marker: '(/faq/no-such-question/)',
    edit: (c) => appendTo(join(c, 'faq/p95her2.mdx'), '\nSee [this](/faq/no-such-question/).\n'),
  },
  {
    name: 'a bad anchor',
    rule: 'anchor-broken',
    file: 'faq/p95her2.mdx',
    marker: '#no-such-step',
    edit: (c) => appendTo(join(c, 'faq/p95her2.mdx'), '\nSee [the step](/protocols/ihc-ffpe/#no-such-step).\n'),
  },
  {
    name: 'invalid Mermaid',
    rule: 'diagram-parse',
    file: 'site/overview.mdx',
    marker: 'HER2 -->> PI3K',
    edit: (c) => replaceIn(join(c, 'site/overview.mdx'), '  HER2 --> PI3K\n', '  HER2 -->> PI3K\n'),
  },
  {
    name: 'malformed MDX',
    rule: 'mdx-syntax',
    file: 'faq/p95her2.mdx',
    marker: 'an {unclosed',
    edit: (c) => appendTo(join(c, 'faq/p95her2.mdx'), '\nText with an {unclosed expression.\n'),
  },
  {
    name: 'a protocol with no steps',
    rule: 'protocol-no-steps',
    file: 'protocols/ihc-ffpe.mdx',
    marker: 'steps: []',
    edit: (c) => replaceIn(join(c, 'protocols/ihc-ffpe.mdx'), /^steps:\n[\s\S]*?(?=^---$)/m, 'steps: []\n'),
  },
  {
    name: 'an inconsistent unit',
    rule: 'unit-inconsistent',
    file: 'faq/p95her2.mdx',
    marker: '5 ug/ml',
    edit: (c) => appendTo(join(c, 'faq/p95her2.mdx'), '\nUse 5 ug/ml here.\n'),
  },
  {
    name: 'an inconsistent unit in a typed field',
    rule: 'unit-inconsistent',
    file: 'protocols/ihc-ffpe.mdx',
    marker: 'value: 4 C',
    edit: (c) => replaceIn(join(c, 'protocols/ihc-ffpe.mdx'), 'value: 4 °C', 'value: 4 C'),
  },
  {
    name: 'broken YAML in the frontmatter',
    rule: 'yaml',
    file: 'faq/p95her2.mdx',
    marker: 'question: Why: ',
    edit: (c) => replaceIn(join(c, 'faq/p95her2.mdx'), /^question: /m, 'question: Why: '),
  },
  {
    name: 'a temperature without its degree sign',
    rule: 'unit-inconsistent',
    file: 'protocols/ihc-ffpe.mdx',
    marker: 'at 4 C',
    edit: (c) => appendTo(join(c, 'protocols/ihc-ffpe.mdx'), '\nStore at 4 C.\n'),
  },
  {
    name: 'a missing alt text',
    rule: 'image-alt',
    file: 'faq/p95her2.mdx',
    marker: '![](/favicon.svg)',
    edit: (c) => appendTo(join(c, 'faq/p95her2.mdx'), '\n![](/favicon.svg)\n'),
  },
  {
    name: 'a heading that skips a level',
    rule: 'heading-skip',
    file: 'faq/p95her2.mdx',
    marker: '#### Too deep',
    edit: (c) => appendTo(join(c, 'faq/p95her2.mdx'), '\n#### Too deep\n'),
  },
  {
    name: 'an FAQ topic that site.yaml does not list',
    rule: 'faq-topic-unknown',
    file: 'faq/p95her2.mdx',
    marker: '- her3-signaling',
    edit: (c) => replaceIn(join(c, 'faq/p95her2.mdx'), /^topics:\n {2}- [a-z0-9-]+$/m, 'topics:\n  - her3-signaling'),
  },
  {
    name: 'a public address that is not a web address, in site.yaml',
    rule: 'site-config',
    file: 'site.yaml',
    marker: 'url: javascript:',
    edit: (c) => appendTo(join(c, 'site.yaml'), '\nurl: javascript:alert(1)\n'),
  },
  {
    name: 'a missing site.yaml',
    rule: 'site-config',
    file: 'site.yaml',
    edit: (c) => rmSync(join(c, 'site.yaml')),
  },
  {
    name: 'a missing references.yaml',
    rule: 'missing-file',
    file: 'references.yaml',
    edit: (c) => rmSync(join(c, 'references.yaml')),
  },
  { name: 'a duplicate slug', rule: 'slug-duplicate', file: 'faq/p95her2.mdx', edit: (c) => cpSync(join(c, 'faq/P95HER2.mdx'), join(c, 'faq/p95her2.mdx')) },
  { name: 'an empty file', rule: 'empty-file', file: 'faq/empty.mdx', edit: (c) => writeFileSync(join(c, 'faq/empty.mdx'), '') },
  {
    name: 'a non-UTF-8 file',
    rule: 'encoding',
    file: 'faq/latin1.mdx',
    edit: (c) => writeFileSync(join(c, 'faq/latin1.mdx'), Buffer.from('---\nquestion: caf\xe9 at 4 \xb0C?\n---\n', 'latin1')),
  },
];

interface Outcome {
  code: number | null;
  output: string;
  previousSite: string;
}

function buildBroken(fixture: Fixture): Promise<Outcome & { content: string }> {
  const dir = join(scratch, fixture.name.replace(/\W+/g, '-'));
  const content = join(dir, 'content');
  const outDir = join(dir, 'dist');
  cpSync('content', content, { recursive: true });
  // The duplicate-slug fixture needs a second spelling of an existing file to copy from.
  if (fixture.rule === 'slug-duplicate') cpSync(join(content, 'faq/p95her2.mdx'), join(content, 'faq/P95HER2.mdx'));
  fixture.edit(content);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.html'), 'previous good site');
  return new Promise((done) => {
    const child = spawn(process.execPath, ['scripts/build.ts'], {
      env: {
        ...process.env,
        SITE_CONTENT_DIR: content,
        SITE_OUT_DIR: outDir,
        SITE_CACHE_DIR: join(dir, 'cache'),
        SITE_DIAGRAM_CACHE: join(dir, 'diagram-cache'),
      },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.on('close', (code) =>
      done({ code, output: stripVTControlCharacters(output), previousSite: readFileSync(join(outDir, 'index.html'), 'utf8'), content }),
    );
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a build with broken content fails, names the rule, file and line, and keeps the previous site', () => {
  it(`covers at least 14 kinds of breakage (${FIXTURES.length})`, () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(14);
  });

  it.each(FIXTURES)('$name → $rule', async (fixture) => {
    const result = await buildBroken(fixture);
    expect(result.code, result.output).not.toBe(0);
    const text =
      fixture.rule === 'slug-duplicate' || !existsSync(join(result.content, fixture.file)) ? '' : readFileSync(join(result.content, fixture.file), 'latin1');
    const line = fixture.marker ? text.split('\n').findIndex((l) => l.includes(fixture.marker!)) + 1 : 1;
    expect(line, 'marker found in the fixture').toBeGreaterThan(0);
    expect(result.output).toMatch(new RegExp(`${escape(fixture.file)}:${line}:\\d+  ${fixture.rule}  `));
    expect(result.output).toMatch(/\n {4}hint: /);
    expect(result.output).toContain('[build] FAILED');
    expect(result.previousSite).toBe('previous good site');
    // A clear message, not a stack trace from deep inside a step.
    expect(result.output).not.toMatch(/^\s+at .*\.(ts|js|mjs):\d+:\d+\)?$/m);
    // The diagram cache is not left locked, or the next build would wait on a process that is gone.
    expect(existsSync(join(result.content, '../diagram-cache/.rendering'))).toBe(false);
  });
});
