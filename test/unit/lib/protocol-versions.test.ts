import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  diffProtocols,
  fingerprint,
  normaliseFingerprint,
  protocolText,
  protocolVersions,
  snapshotFile,
  type ProtocolText,
} from '../../../src/lib/protocol-versions';

const v1: ProtocolText = {
  title: 'Two-step RT-qPCR',
  objective: 'Measure the expression of a gene relative to reference genes.',
  materials: [{ name: 'Reverse transcriptase' }, { name: 'SYBR Green master mix', detail: '2× concentrate' }],
  steps: [
    { id: 'rna', title: 'Check the RNA', text: 'Measure the RNA concentration and purity.', conditions: [] },
    { id: 'dnase', title: 'DNase treatment', text: 'Treat 1 µg RNA with DNase I for 15 minutes.', conditions: [{ label: 'Time', value: '15 minutes' }] },
    { id: 'rt', title: 'Reverse transcription', text: 'Transcribe the RNA into cDNA.', conditions: [{ label: 'Temperature', value: '42 °C' }] },
    { id: 'qpcr', title: 'qPCR', text: 'Run 40 cycles.', conditions: [] },
  ],
};

const clone = (p: ProtocolText): ProtocolText => JSON.parse(JSON.stringify(p)) as ProtocolText;

describe('fingerprint: what a printout carries', () => {
  it('is eight characters of Crockford base 32 in two groups, the same on every build', () => {
    expect(fingerprint(v1)).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(fingerprint(clone(v1))).toBe(fingerprint(v1));
  });

  it('does not change for formatting: line wrapping, spaces, Unicode form, YAML quoting or key order', () => {
    const wrapped = clone(v1);
    wrapped.steps[1]!.text = 'Treat 1 µg RNA with\n  DNase I for 15   minutes. ';
    wrapped.objective = v1.objective.normalize('NFD');
    expect(fingerprint(wrapped)).toBe(fingerprint(v1));
    const reordered = protocolText({ steps: v1.steps, materials: v1.materials, objective: v1.objective, title: v1.title, lastReviewed: '2030-01-01' });
    expect(fingerprint(reordered)).toBe(fingerprint(v1));
  });

  it('does not change for any kind of white space, in a field of ASCII text as in one with µ or °', () => {
    // Every white space that a collapse turns into one space, alone, doubled, and at either end of the field.
    const spaces = ['\t', '\n', '\r\n', '\v', '\f', '\u00a0', '\u1680', '\u2009', '\u2028', '\u202f', '\u3000', '\ufeff', '  '];
    for (const space of spaces) {
      const spaced = clone(v1);
      spaced.steps[0]!.text = v1.steps[0]!.text.replace(/ /g, space); // ASCII only
      spaced.steps[1]!.text = `${space}${v1.steps[1]!.text.replace(/ /g, space)}${space}`; // holds µ
      spaced.materials[1]!.detail = `${v1.materials[1]!.detail!} ${space}`;
      expect(fingerprint(spaced), JSON.stringify(space)).toBe(fingerprint(v1));
    }
    const decomposed = clone(v1);
    decomposed.steps[2]!.conditions[0]!.value = 'cafe\u0301 42 °C'.normalize('NFD');
    const composed = clone(v1);
    composed.steps[2]!.conditions[0]!.value = 'caf\u00e9 42 °C';
    expect(fingerprint(decomposed)).toBe(fingerprint(composed));
    expect(fingerprint(composed)).not.toBe(fingerprint(v1));
  });

  it('changes with any word, number or unit of the protocol', () => {
    for (const edit of [
      (p: ProtocolText) => (p.steps[1]!.conditions[0]!.value = '20 minutes'),
      (p: ProtocolText) => (p.steps[1]!.text = p.steps[1]!.text.replace('1 µg', '1 ng')),
      (p: ProtocolText) => (p.materials[1]!.detail = '1× ready to use'),
      (p: ProtocolText) => p.steps.reverse(),
      (p: ProtocolText) => (p.title = 'One-step RT-qPCR'),
    ]) {
      const changed = clone(v1);
      edit(changed);
      expect(fingerprint(changed)).not.toBe(fingerprint(v1));
    }
  });

  it('reads a typed fingerprint the way a person types it', () => {
    expect(normaliseFingerprint(' k3f9 2q7m ')).toBe('K3F9-2Q7M');
    expect(normaliseFingerprint('K3F9-2QOM')).toBe('K3F9-2Q0M');
    expect(normaliseFingerprint('abc')).toBe('ABC');
  });
});

describe('diffProtocols: what changed, as a bench scientist reads it', () => {
  it('finds a reworded step with the changed words marked, and a changed condition as "from → to"', () => {
    const v2 = clone(v1);
    v2.steps[1]!.text = 'Treat 1 µg RNA with DNase I for 20 minutes at 37 °C.';
    v2.steps[1]!.conditions[0]!.value = '20 minutes';
    const changes = diffProtocols(v1, v2);
    const reworded = changes.steps.find((c) => c.kind === 'reworded');
    if (reworded?.kind !== 'reworded') throw new Error('no reworded step');
    const marked = (change: 'removed' | 'added') =>
      reworded.words
        .filter((w) => w.change === change)
        .map((w) => w.text)
        .join('|');
    expect(marked('removed')).toContain('15');
    expect(marked('removed')).not.toContain('DNase');
    expect(marked('added')).toContain('20');
    expect(marked('added')).toContain('37 °C');
    // Reading the kept and added words in order gives the new text; the kept and removed ones, the old.
    expect(
      reworded.words
        .filter((w) => w.change !== 'removed')
        .map((w) => w.text)
        .join(''),
    ).toBe(v2.steps[1]!.text);
    expect(
      reworded.words
        .filter((w) => w.change !== 'added')
        .map((w) => w.text)
        .join(''),
    ).toBe(v1.steps[1]!.text);
    expect(changes.steps).toContainEqual({
      kind: 'condition-changed',
      id: 'dnase',
      title: 'DNase treatment',
      label: 'Time',
      from: '15 minutes',
      to: '20 minutes',
    });
  });

  it('a reorder is one move, not a removal and an addition', () => {
    const v2 = clone(v1);
    v2.steps = [v1.steps[0]!, v1.steps[2]!, v1.steps[1]!, v1.steps[3]!].map((s) => ({ ...s }));
    const changes = diffProtocols(v1, v2);
    expect(changes.steps.filter((c) => c.kind === 'added' || c.kind === 'removed')).toEqual([]);
    expect(changes.steps).toHaveLength(1);
    expect(changes.steps[0]).toMatchObject({ kind: 'moved' });
  });

  it('finds steps added and removed, conditions added and removed, and materials added, removed and changed', () => {
    const v2 = clone(v1);
    v2.steps.splice(3, 1);
    v2.steps.push({ id: 'melt', title: 'Melt curve', text: 'Record a melt curve after the last cycle.', conditions: [] });
    v2.steps[2]!.conditions = [{ label: 'Time', value: '60 minutes' }];
    v2.materials = [{ name: 'SYBR Green master mix', detail: '1× ready to use' }, { name: 'Nuclease-free water' }];
    const changes = diffProtocols(v1, v2);
    expect(changes.steps).toEqual(
      expect.arrayContaining([
        { kind: 'added', id: 'melt', title: 'Melt curve', number: 4 },
        { kind: 'removed', id: 'qpcr', title: 'qPCR', number: 4 },
        { kind: 'condition-added', id: 'rt', title: 'Reverse transcription', label: 'Time', value: '60 minutes' },
        { kind: 'condition-removed', id: 'rt', title: 'Reverse transcription', label: 'Temperature', value: '42 °C' },
      ]),
    );
    expect(changes.materials).toEqual(
      expect.arrayContaining([
        { kind: 'added', name: 'Nuclease-free water' },
        { kind: 'removed', name: 'Reverse transcriptase' },
        { kind: 'changed', name: 'SYBR Green master mix', from: '2× concentrate', to: '1× ready to use' },
      ]),
    );
  });

  it('finds nothing between a text and its re-wrapped copy', () => {
    const wrapped = clone(v1);
    wrapped.steps[0]!.text = 'Measure the RNA\nconcentration and purity.';
    expect(diffProtocols(v1, wrapped)).toEqual({ materials: [], steps: [] });
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.0', '1.1', -1],
    ['1.2', '1.10', -1],
    ['2.0', '1.9', 1],
    ['1.0', '1.0.0', 0],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe('protocolVersions', () => {
  it('reads an archived version again when its file changed, for the same entry (the dev server keeps entries between requests)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'versions-'));
    try {
      const archive = (text: ProtocolText, mtime: Date) => {
        mkdirSync(dirname(snapshotFile(dir, 'rt', '1.0')), { recursive: true });
        writeFileSync(snapshotFile(dir, 'rt', '1.0'), stringify(text));
        utimesSync(snapshotFile(dir, 'rt', '1.0'), mtime, mtime);
      };
      const older = clone(v1);
      older.steps[1]!.text = 'Treat 1 µg RNA with DNase I for 10 minutes.';
      archive(older, new Date('2030-01-01T00:00:00Z'));
      const data = {
        ...v1,
        version: '1.1',
        lastReviewed: new Date('2030-02-01'),
        history: [
          { version: '1.0', date: new Date('2030-01-01'), summary: 'First' },
          { version: '1.1', date: new Date('2030-02-01'), summary: 'Longer DNase step' },
        ],
      };
      const first = protocolVersions(dir, 'rt', data);
      expect(first[0]!.fingerprint).toBe(fingerprint(older));
      // Asked again with nothing changed: the same answer.
      expect(protocolVersions(dir, 'rt', data)).toEqual(first);
      const corrected = clone(older);
      corrected.title = 'Two-step RT-qPCR (archived)';
      archive(corrected, new Date('2030-01-02T00:00:00Z'));
      const again = protocolVersions(dir, 'rt', data);
      expect(again[0]!.fingerprint).toBe(fingerprint(corrected));
      expect(again[0]!.fingerprint).not.toBe(first[0]!.fingerprint);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
