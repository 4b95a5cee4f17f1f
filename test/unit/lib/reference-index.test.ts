import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReferenceIndex } from '../../../src/lib/reference-index';

const dir = mkdtempSync(join(tmpdir(), 'refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(yaml: string): string {
  const file = join(mkdtempSync(join(dir, 'case-')), 'references.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('loadReferenceIndex', () => {
  it('maps each id to its number', () => {
    const file = write('- id: a\n  number: 1\n  site: a.org\n- id: b\n  number: 2\n  site: b.org\n');
    expect([...loadReferenceIndex(file)]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('names the file and line of a duplicate id', () => {
    const file = write('- id: a\n  number: 1\n  site: a.org\n- id: a\n  number: 2\n  site: b.org\n');
    expect(() => loadReferenceIndex(file)).toThrow(`${file}:4  references  duplicate reference id "a"`);
  });

  it('names the file, the field’s own line and the field of a malformed entry', () => {
    const file = write('- id: a\n  number: 1\n  site: a.org\n- id: b\n  number: two\n  site: b.org\n');
    expect(() => loadReferenceIndex(file)).toThrow(new RegExp(`${file}:5 .*field "number"`));
  });

  it('rejects a number used twice', () => {
    const file = write('- id: a\n  number: 1\n  site: a.org\n- id: b\n  number: 1\n  site: b.org\n');
    expect(() => loadReferenceIndex(file)).toThrow(/reference number 1 is used by "a" and "b"/);
  });
});
