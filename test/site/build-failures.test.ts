/**
 * Broken content, one kind per fixture, each in a copy of the RT-qPCR fixture
 * center: the build stops before Astro runs, names the rule, the file and the
 * line, exits non-zero, and leaves the previous site untouched.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/** The center every fixture breaks a copy of: a generator test must not depend on the default center's content. */
const CENTER = 'test/fixtures/centers/qpcr';

const scratch = mkdtempSync(join(tmpdir(), 'center-broken-'));
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
  /** The file it must name, relative to the center's folder. */
  file: string;
  /** Text on the line the message must point at; omitted for line 1. */
  marker?: string;
  /** Text on that line whose first character is the column the message must name; without it any column passes. */
  at?: string;
  edit: (content: string) => void;
}

const FIXTURES: Fixture[] = [
  {
    name: 'a missing field',
    rule: 'schema',
    file: 'faq/amplification-efficiency.mdx',
    marker: 'question:',
    edit: (c) => replaceIn(join(c, 'faq/amplification-efficiency.mdx'), /^summary:.*\n/m, ''),
  },
  {
    name: 'a wrong type',
    rule: 'schema',
    file: 'protocols/two-step-rt-qpcr.mdx',
    marker: 'number: one',
    edit: (c) => replaceIn(join(c, 'protocols/two-step-rt-qpcr.mdx'), /^number: 1$/m, 'number: one'),
  },
  {
    name: 'an unknown citation in MDX',
    rule: 'citation-unknown',
    file: 'faq/amplification-efficiency.mdx',
    marker: '[@no-such-reference',
    edit: (c) => replaceIn(join(c, 'faq/amplification-efficiency.mdx'), '[@livak-2001', '[@no-such-reference'),
  },
  {
    name: 'an unknown citation in a typed field',
    rule: 'citation-unknown',
    file: 'protocols/primer-efficiency.mdx',
    marker: 'pfaffl-2001-typo',
    edit: (c) => replaceIn(join(c, 'protocols/primer-efficiency.mdx'), 'cites: [pfaffl-2001]', 'cites: [pfaffl-2001-typo]'),
  },
  {
    name: 'a duplicate reference id',
    rule: 'reference-duplicate',
    file: 'references.yaml',
    marker: 'id: livak-2001 # dup',
    edit: (c) => replaceIn(join(c, 'references.yaml'), 'id: vandesompele-2002', 'id: livak-2001 # dup'),
  },
  {
    name: 'a malformed reference',
    rule: 'schema',
    file: 'references.yaml',
    marker: 'doi: https://doi.org/10.1093',
    edit: (c) => replaceIn(join(c, 'references.yaml'), 'doi: 10.1093/nar/29.9.e45', 'doi: https://doi.org/10.1093/nar/29.9.e45'),
  },
  {
    name: 'a broken link',
    rule: 'link-broken',
    file: 'faq/amplification-efficiency.mdx',
    marker: '(/faq/no-such-question/)',
    edit: (c) => appendTo(join(c, 'faq/amplification-efficiency.mdx'), '\nSee [this](/faq/no-such-question/).\n'),
  },
  {
    name: 'a bad anchor',
    rule: 'anchor-broken',
    file: 'faq/amplification-efficiency.mdx',
    marker: '#no-such-step',
    edit: (c) => appendTo(join(c, 'faq/amplification-efficiency.mdx'), '\nSee [the step](/protocols/two-step-rt-qpcr/#no-such-step).\n'),
  },
  {
    name: 'invalid Mermaid',
    rule: 'diagram-parse',
    file: 'protocols/two-step-rt-qpcr.mdx',
    marker: '-->> B["DNase"]',
    edit: (c) => replaceIn(join(c, 'protocols/two-step-rt-qpcr.mdx'), '["RNA check"] --> B["DNase"]', '["RNA check"] -->> B["DNase"]'),
  },
  {
    // The render comes back from the browser while the pages render (its body holds a placeholder until then), or, on a quick
    // machine, before the body is rendered: the same message either way.
    name: 'a diagram without a title and description',
    rule: 'missing-accessibility',
    file: 'protocols/two-step-rt-qpcr.mdx',
    marker: '```mermaid',
    edit: (c) => replaceIn(join(c, 'protocols/two-step-rt-qpcr.mdx'), /^\s*acc(Title|Descr):.*\n/gm, ''),
  },
  {
    name: 'malformed MDX',
    rule: 'mdx-syntax',
    file: 'faq/amplification-efficiency.mdx',
    marker: 'an {unclosed',
    edit: (c) => appendTo(join(c, 'faq/amplification-efficiency.mdx'), '\nText with an {unclosed expression.\n'),
  },
  {
    name: 'a protocol with no steps',
    rule: 'protocol-no-steps',
    file: 'protocols/two-step-rt-qpcr.mdx',
    marker: 'steps: []',
    edit: (c) => replaceIn(join(c, 'protocols/two-step-rt-qpcr.mdx'), /^steps:\n[\s\S]*?(?=^---$)/m, 'steps: []\n'),
  },
  {
    name: 'an inconsistent unit',
    rule: 'unit-inconsistent',
    file: 'faq/amplification-efficiency.mdx',
    marker: '5 ug/ml',
    edit: (c) => appendTo(join(c, 'faq/amplification-efficiency.mdx'), '\nUse 5 ug/ml here.\n'),
  },
  {
    name: 'an inconsistent unit in a typed field',
    rule: 'unit-inconsistent',
    file: 'protocols/two-step-rt-qpcr.mdx',
    marker: 'value: 15 minutes at 37 C',
    edit: (c) => replaceIn(join(c, 'protocols/two-step-rt-qpcr.mdx'), 'value: 15 minutes', 'value: 15 minutes at 37 C'),
  },
  {
    name: 'broken YAML in the frontmatter',
    rule: 'yaml',
    file: 'faq/amplification-efficiency.mdx',
    marker: 'question: Why: ',
    edit: (c) => replaceIn(join(c, 'faq/amplification-efficiency.mdx'), /^question: /m, 'question: Why: '),
  },
  {
    name: 'a temperature without its degree sign',
    rule: 'unit-inconsistent',
    file: 'protocols/two-step-rt-qpcr.mdx',
    marker: 'at 4 C',
    edit: (c) => appendTo(join(c, 'protocols/two-step-rt-qpcr.mdx'), '\nStore the cDNA at 4 C.\n'),
  },
  {
    name: 'content that imports code to read a file at build time',
    rule: 'mdx-esm',
    file: 'faq/melt-curve.mdx',
    marker: "import { readFileSync } from 'node:fs'",
    edit: (c) => appendTo(join(c, 'faq/melt-curve.mdx'), "\nimport { readFileSync } from 'node:fs'\n\n{readFileSync('/etc/passwd', 'utf8')}\n"),
  },
  {
    name: 'a JavaScript expression',
    rule: 'mdx-expression',
    file: 'faq/melt-curve.mdx',
    marker: '{1 + 1}',
    edit: (c) => appendTo(join(c, 'faq/melt-curve.mdx'), '\nTwo is {1 + 1}.\n'),
  },
  {
    name: 'an inline script',
    rule: 'unsafe-element',
    file: 'faq/melt-curve.mdx',
    marker: '<script>',
    edit: (c) => appendTo(join(c, 'faq/melt-curve.mdx'), '\n<script>alert(1)</script>\n'),
  },
  {
    name: 'an iframe',
    rule: 'unsafe-element',
    file: 'faq/melt-curve.mdx',
    marker: '<iframe',
    edit: (c) => appendTo(join(c, 'faq/melt-curve.mdx'), '\n<iframe src="https://example.org/"></iframe>\n'),
  },
  {
    name: 'an event handler attribute',
    rule: 'unsafe-attribute',
    file: 'faq/melt-curve.mdx',
    marker: 'onMouseOver',
    edit: (c) => appendTo(join(c, 'faq/melt-curve.mdx'), '\n<abbr title="melting temperature" onMouseOver="alert(1)">Tm</abbr>\n'),
  },
  {
    name: 'a javascript: link',
    rule: 'unsafe-url',
    file: 'faq/melt-curve.mdx',
    marker: '](javascript:',
    edit: (c) => appendTo(join(c, 'faq/melt-curve.mdx'), '\nSee [the curve](javascript:alert(1)).\n'),
  },
  {
    name: 'a data: link in a JSX attribute',
    rule: 'unsafe-url',
    file: 'faq/melt-curve.mdx',
    marker: 'href="data:',
    edit: (c) => appendTo(join(c, 'faq/melt-curve.mdx'), '\n<a href="data:text/html,hello">a link</a>\n'),
  },
  {
    name: 'a javascript: link in a diagram',
    rule: 'unsafe-url',
    file: 'protocols/two-step-rt-qpcr.mdx',
    marker: 'click A href "javascript:',
    edit: (c) => replaceIn(join(c, 'protocols/two-step-rt-qpcr.mdx'), /^(\s*A\["RNA check"\].*)$/m, '$1\n  click A href "javascript:alert(1)"'),
  },
  {
    name: 'a javascript: address for a reference',
    rule: 'schema',
    file: 'references.yaml',
    // The url's own line, not the entry's; and the places citing the entry are not reported as citing an unknown reference.
    marker: 'url: "javascript:',
    edit: (c) => replaceIn(join(c, 'references.yaml'), 'doi: 10.1006/meth.2001.1262', 'url: "javascript:alert(1)"'),
  },
  {
    name: 'two files, one address (a space)',
    rule: 'slug-duplicate',
    file: 'faq/reference-genes.mdx',
    edit: (c) => writeFileSync(join(c, 'faq/reference genes.mdx'), readFileSync(join(c, 'faq/reference-genes.mdx'))),
  },
  {
    name: 'a protocol changed without a new version',
    rule: 'version-not-bumped',
    file: 'protocols/primer-efficiency.mdx',
    marker: 'version: "1.1"',
    edit: (c) => replaceIn(join(c, 'protocols/primer-efficiency.mdx'), 'value: Triplicate', 'value: Quadruplicate'),
  },
  {
    name: 'a history whose versions do not increase',
    rule: 'version-order',
    file: 'protocols/primer-efficiency.mdx',
    marker: '- version: "1.1"',
    edit: (c) => replaceIn(join(c, 'protocols/primer-efficiency.mdx'), /(history:\n  - version: )"1\.0"/, '$1"1.5"'),
  },
  {
    name: 'a history entry without a summary',
    rule: 'schema',
    file: 'protocols/primer-efficiency.mdx',
    marker: '- version: "1.1"',
    edit: (c) => replaceIn(join(c, 'protocols/primer-efficiency.mdx'), /\n    summary: Every dilution.*/, ''),
  },
  {
    name: 'a version whose text is not archived',
    rule: 'version-archive',
    file: 'protocols/primer-efficiency.mdx',
    marker: '- version: "1.0"',
    edit: (c) => rmSync(join(c, 'protocols/.versions/primer-efficiency/1.0.yaml')),
  },
  {
    name: 'a link to a file outside the content folder',
    rule: 'content-outside',
    file: 'faq/outside.mdx',
    edit: (c) => {
      writeFileSync(join(c, '..', 'outside.mdx'), readFileSync(join(c, 'faq/melt-curve.mdx')));
      symlinkSync(join(c, '..', 'outside.mdx'), join(c, 'faq/outside.mdx'));
    },
  },
  {
    name: 'a NUL byte in the frontmatter',
    rule: 'encoding',
    file: 'faq/melt-curve.mdx',
    marker: 'order: 4\u0000',
    at: '\u0000',
    edit: (c) => replaceIn(join(c, 'faq/melt-curve.mdx'), 'order: 4', 'order: 4\u0000'),
  },
  {
    name: 'a NUL byte in an MDX body',
    rule: 'encoding',
    file: 'faq/melt-curve.mdx',
    marker: 'pasted from a binary\u0000',
    at: '\u0000',
    edit: (c) => appendTo(join(c, 'faq/melt-curve.mdx'), '\nText pasted from a binary\u0000 file.\n'),
  },
  {
    name: 'bytes that are not UTF-8 in an MDX body',
    rule: 'encoding',
    file: 'faq/melt-curve.mdx',
    marker: 'Saved as Latin-1: caf',
    at: '\u00e9',
    edit: (c) => {
      const file = join(c, 'faq/melt-curve.mdx');
      writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('\nSaved as Latin-1: caf'), Buffer.from([0xe9]), Buffer.from('.\n')]));
    },
  },
  {
    name: 'bytes that are not UTF-8 in references.yaml',
    rule: 'encoding',
    file: 'references.yaml',
    marker: 'Clinical Chemistry',
    edit: (c) => {
      const file = join(c, 'references.yaml');
      const [before, after] = readFileSync(file, 'utf8').split('Clinical Chemistry');
      // A Latin-1 é, as an editor saving in the wrong encoding writes it.
      writeFileSync(file, Buffer.concat([Buffer.from(`${before}Clinical Chemistry `), Buffer.from([0xe9]), Buffer.from(after!)]));
    },
  },
  {
    name: 'a missing alt text',
    rule: 'image-alt',
    file: 'faq/amplification-efficiency.mdx',
    marker: '![](/favicon.svg)',
    edit: (c) => appendTo(join(c, 'faq/amplification-efficiency.mdx'), '\n![](/favicon.svg)\n'),
  },
  {
    name: 'a heading that skips a level',
    rule: 'heading-skip',
    file: 'faq/amplification-efficiency.mdx',
    marker: '#### Too deep',
    edit: (c) => appendTo(join(c, 'faq/amplification-efficiency.mdx'), '\n#### Too deep\n'),
  },
  {
    name: 'an FAQ topic that site.yaml does not list',
    rule: 'faq-topic-unknown',
    file: 'faq/amplification-efficiency.mdx',
    marker: '- no-such-topic',
    edit: (c) => replaceIn(join(c, 'faq/amplification-efficiency.mdx'), /^topics:\n {2}- [a-z0-9-]+$/m, 'topics:\n  - no-such-topic'),
  },
  {
    name: 'a public address that is not a web address, in site.yaml',
    rule: 'site-config',
    file: 'site.yaml',
    marker: 'url: javascript:',
    edit: (c) => replaceIn(join(c, 'site.yaml'), /^url: .*$/m, 'url: javascript:alert(1)'),
  },
  {
    name: 'a key site.yaml does not know',
    rule: 'site-config',
    file: 'site.yaml',
    marker: 'colour: blue',
    edit: (c) => appendTo(join(c, 'site.yaml'), '\ncolour: blue\n'),
  },
  {
    name: 'a key a protocol does not know',
    rule: 'schema',
    file: 'protocols/primer-efficiency.mdx',
    marker: 'reagent_lot: 42',
    edit: (c) => replaceIn(join(c, 'protocols/primer-efficiency.mdx'), /^number: 2$/m, 'number: 2\nreagent_lot: 42'),
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
  {
    name: 'a duplicate slug',
    rule: 'slug-duplicate',
    file: 'faq/melt-curve.mdx',
    // A second spelling of an existing file: it sorts first, so the original is the duplicate.
    edit: (c) => cpSync(join(c, 'faq/melt-curve.mdx'), join(c, 'faq/MELT-CURVE.mdx')),
  },
  {
    name: 'a Markdown file in a folder of MDX entries',
    rule: 'unread-file',
    file: 'faq/note.md',
    edit: (c) => cpSync(join(c, 'faq/melt-curve.mdx'), join(c, 'faq/note.md')),
  },
  {
    name: 'an entry in a subfolder of its section',
    rule: 'unread-file',
    file: 'faq/sub/other.mdx',
    edit: (c) => {
      mkdirSync(join(c, 'faq/sub'));
      cpSync(join(c, 'faq/melt-curve.mdx'), join(c, 'faq/sub/other.mdx'));
    },
  },
  {
    name: 'an entry in a folder that is no section',
    rule: 'unread-file',
    file: 'blog/post.mdx',
    edit: (c) => {
      mkdirSync(join(c, 'blog'));
      cpSync(join(c, 'faq/melt-curve.mdx'), join(c, 'blog/post.mdx'));
    },
  },
  { name: 'an empty file', rule: 'empty-file', file: 'faq/empty.mdx', edit: (c) => writeFileSync(join(c, 'faq/empty.mdx'), '') },
  {
    name: 'a non-UTF-8 file, reported at the bad byte',
    rule: 'encoding',
    file: 'faq/latin1.mdx',
    marker: 'question: caf',
    edit: (c) => writeFileSync(join(c, 'faq/latin1.mdx'), Buffer.from('---\nquestion: caf\xe9 at 4 \xb0C?\n---\n', 'latin1')),
  },
];

interface Outcome {
  code: number | null;
  output: string;
  previousSite: string;
  /** Every file of the output folder, path and bytes, as before the build. */
  outputUnchanged: boolean;
  /** What the build left in its temporary folder. */
  leftInTmp: string[];
}

/** A digest of every file under `dir`: its path and its bytes. */
function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort()) {
    hash.update(`${file}\0`).update(readFileSync(file));
  }
  return hash.digest('hex');
}

function buildBroken(fixture: Fixture): Promise<Outcome & { content: string }> {
  const dir = join(scratch, fixture.name.replace(/\W+/g, '-'));
  const content = join(dir, 'content');
  const outDir = join(dir, 'dist');
  cpSync(CENTER, content, { recursive: true });
  fixture.edit(content);
  mkdirSync(join(outDir, 'faq/old-entry'), { recursive: true });
  writeFileSync(join(outDir, 'index.html'), 'previous good site');
  writeFileSync(join(outDir, 'faq/old-entry/index.html'), '<h1>An entry of the previous site</h1>');
  writeFileSync(join(outDir, 'previous.bin'), Buffer.from([0, 1, 2, 255]));
  const before = treeDigest(outDir);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  return new Promise((done) => {
    const child = spawn(process.execPath, ['scripts/build.ts'], {
      env: {
        ...process.env,
        SITE_CONTENT_DIR: content,
        SITE_OUT_DIR: outDir,
        SITE_CACHE_DIR: join(dir, 'cache'),
        SITE_DIAGRAM_CACHE: join(dir, 'diagram-cache'),
        TMPDIR: tmp,
      },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    child.on('close', (code) =>
      done({
        code,
        output: stripVTControlCharacters(output),
        previousSite: readFileSync(join(outDir, 'index.html'), 'utf8'),
        outputUnchanged: treeDigest(outDir) === before,
        leftInTmp: readdirSync(tmp),
        content,
      }),
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
    const column = fixture.at ? text.split('\n')[line - 1]!.indexOf(fixture.at) + 1 : 0;
    if (fixture.at) expect(column, 'column marker found on its line').toBeGreaterThan(0);
    expect(result.output).toMatch(new RegExp(`${escape(fixture.file)}:${line}:${column || '\\d+'}  ${fixture.rule}  `));
    expect(result.output).toMatch(/\n {4}hint: /);
    expect(result.output).toContain('[build] FAILED');
    expect(result.previousSite).toBe('previous good site');
    expect(result.outputUnchanged, 'the output folder, byte for byte').toBe(true);
    // Nor anything in the temporary folder (the search index's pages waited in a file there, left by a failed build).
    expect(result.leftInTmp).toEqual([]);
    // A clear message, not a stack trace from deep inside a step.
    expect(result.output).not.toMatch(/^\s+at .*\.(ts|js|mjs):\d+:\d+\)?$/m);
    // One problem, one message: a reference with a bad field does not also make its citations "unknown".
    if (fixture.file === 'references.yaml' && fixture.rule === 'schema') expect(result.output).not.toContain('citation-unknown');
    // Nothing a content file tried to read or run reached the output.
    expect(result.output).not.toMatch(/root:x:0:0/);
  });
});
