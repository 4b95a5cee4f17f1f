/**
 * No page is dropped without a word: every file of a content folder that no loader reads is an `unread-file` error, by the
 * content model (src/content-model.ts), and the files a center legitimately holds are not.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { glob } from 'tinyglobby';
import { afterAll, describe, expect, it } from 'vitest';
import { checkContent } from '../../../scripts/check/content-checks';
import { formatFinding } from '../../../scripts/check/report';
import { ENTRY_GLOB, isEntryFile, presentSections, unreadFiles } from '../../../src/content-model';

const dir = mkdtempSync(join(tmpdir(), 'unread-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A copy of the RT-qPCR fixture center with these files added (path → text). */
function center(files: Record<string, string>): string {
  const content = join(dir, `center-${++n}`);
  cpSync('test/fixtures/centers/qpcr', content, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(content, path)), { recursive: true });
    writeFileSync(join(content, path), text);
  }
  return content;
}

const ENTRY = '---\nquestion: A question?\n---\n';

describe('the unread-file rule', () => {
  it('reads entries as the collections’ loader does: Astro’s glob (tinyglobby) and isEntryFile agree', async () => {
    const folder = join(dir, 'glob');
    for (const name of ['a.mdx', 'b c.mdx', '.hidden.mdx', 'D.MDX', 'e.md', 'f.mdx.bak', 'g.mdx~', 'sub/h.mdx', 'x.mdx/i.mdx']) {
      mkdirSync(dirname(join(folder, name)), { recursive: true });
      writeFileSync(join(folder, name), ENTRY);
    }
    // Astro's glob loader calls tinyglobby with these options (node_modules/astro/dist/content/loaders/glob.js).
    const loaded = (await glob(ENTRY_GLOB, { cwd: folder, expandDirectories: false })).sort();
    const files = readdirSync(folder).filter((name) => statSync(join(folder, name)).isFile());
    expect(files.filter(isEntryFile).sort()).toEqual(loaded);
    expect(loaded).toEqual(['a.mdx', 'b c.mdx']);
  });

  it('finds nothing unread in the default center and the fixture centers', () => {
    for (const content of ['content', 'test/fixtures/centers/qpcr', 'test/fixtures/centers/minimal']) expect(unreadFiles(content), content).toEqual([]);
  });

  it('allows what a center legitimately holds beside its entries, and what the system or an editor leaves', async () => {
    const content = center({
      'README.md': '# A center\n',
      LICENSE: 'CC BY 4.0\n',
      '.gitignore': '.diagram-cache/*.tmp\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.DS_Store': '',
      'faq/Thumbs.db': '',
      'faq/desktop.ini': '',
      'faq/.melt-curve.mdx.swp': '',
      'faq/melt-curve.mdx~': ENTRY,
      'faq/#melt-curve.mdx#': ENTRY,
      'faq/melt-curve.mdx___jb_tmp___': ENTRY,
      'faq/melt-curve.mdx___jb_old___': ENTRY,
      'faq/README.md': 'One file per question.\n',
      'faq/melt-curve.png': '',
      'faq/images/curve.svg': '<svg/>',
      'figures/overview.webp': '',
      '.diagram-cache/0123.json.42-0.tmp': '{}',
      '.diagram-cache/README.md': 'Renders.\n',
      'protocols/.versions/primer-efficiency/.DS_Store': '',
      // The archive of a retired protocol: kept as a record.
      'protocols/.versions/retired-protocol/1.0.yaml': 'title: x\n',
      '.vscode/settings.json': '{}',
    });
    expect(unreadFiles(content)).toEqual([]);
    expect((await checkContent(content, { diagrams: false })).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('reports each file no loader reads, at line 1, with what to do', async () => {
    const content = center({
      'faq/note.md': ENTRY,
      'faq/sub/other.mdx': ENTRY,
      'blog/post.mdx': ENTRY,
      'blog/2024/older.mdx': ENTRY,
      'faq/.draft.mdx': ENTRY,
      'faq/table.csv': 'a,b\n',
      'notes.txt': 'to do\n',
      'site.yml': 'name: x\n',
      'overview.mdx': ENTRY,
      'site/welcome.mdx': '---\ntitle: Welcome\n---\n',
      'protocols/.versions/primer-efficiency/1.2.yml': 'title: x\n',
      'protocols/.versions/stray.yaml': 'title: x\n',
    });
    expect(unreadFiles(content).map((f) => [f.path, f.reason])).toEqual([
      ['blog/2024/older.mdx', 'folder'],
      ['blog/post.mdx', 'folder'],
      ['faq/.draft.mdx', 'not-entry'],
      ['faq/note.md', 'not-entry'],
      ['faq/sub/other.mdx', 'subfolder'],
      ['faq/table.csv', 'not-entry'],
      ['notes.txt', 'top'],
      ['overview.mdx', 'top'],
      ['protocols/.versions/primer-efficiency/1.2.yml', 'archive'],
      ['protocols/.versions/stray.yaml', 'archive'],
      ['site.yml', 'top'],
      ['site/welcome.mdx', 'site-text'],
    ]);
    const findings = (await checkContent(content, { diagrams: false, cwd: content })).filter((f) => f.rule === 'unread-file');
    expect(findings).toHaveLength(12);
    for (const f of findings) expect([f.severity, f.line, f.column, f.hint.length > 0]).toEqual(['error', 1, 1, true]);
    const text = findings.map(formatFinding).join('\n');
    expect(text).toContain(
      'faq/note.md:1:1  unread-file  "note.md" is not read: faq/ entries are its *.mdx files\n    hint: Rename it to note.mdx to publish it',
    );
    expect(text).toContain('faq/sub/other.mdx:1:1  unread-file  "faq/sub/other.mdx" is not read: faq/ entries are the *.mdx files in faq/ itself');
    expect(text).toContain('    hint: Move it to faq/other.mdx (the file name is the page address)');
    expect(text).toContain('blog/post.mdx:1:1  unread-file  "blog/post.mdx" is not read: blog/ is not a folder the site is built from');
    expect(text).toContain(
      'site.yml:1:1  unread-file  "site.yml" is not read: the top of a content folder holds site.yaml, references.yaml and vocabulary.yaml\n    hint: Rename it to site.yaml.',
    );
    expect(text).toContain('    hint: Rename it to draft.mdx to publish it');
  });

  it('does not count a hidden .mdx file as a section’s entry, as the loader does not', () => {
    const content = center({});
    rmSync(join(content, 'faq'), { recursive: true });
    writeFileSync(join(content, 'protocols', '.draft.mdx'), ENTRY);
    mkdirSync(join(content, 'faq'));
    writeFileSync(join(content, 'faq', '.draft.mdx'), ENTRY);
    expect(presentSections(content).has('faq')).toBe(false);
    expect(presentSections(content).has('protocols')).toBe(true);
  });
});
