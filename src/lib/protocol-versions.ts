/**
 * A protocol's versions: its history (in its frontmatter), the archived text of each version (snapshot files beside the content,
 * `protocols/.versions/<slug>/<version>.yaml`: they work in a shallow clone and outside git), the changes between two versions at
 * the level a bench scientist thinks in (steps added, removed, moved or reworded, conditions changed, materials added or
 * removed), and the fingerprint a printout carries.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diffWordsWithSpace } from 'diff';
import { parse } from 'yaml';

/** The folder of archived versions, inside a center's protocols folder. */
export const VERSIONS_DIR = '.versions';

/** What defines a protocol's content: a change here is a new version. */
export interface ProtocolText {
  title: string;
  objective: string;
  materials: { name: string; detail?: string }[];
  steps: { id: string; title: string; text: string; conditions: { label: string; value: string }[] }[];
}

/** One version in a protocol's history. */
export interface VersionEntry {
  version: string;
  date: Date;
  summary: string;
}

/** A protocol's fields that define its content, from its frontmatter (validated or as archived). */
export function protocolText(data: Record<string, unknown>): ProtocolText {
  const list = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
  const str = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
  return {
    title: str(data.title),
    objective: str(data.objective),
    materials: list(data.materials).map((m) => ({ name: str(m.name), ...(m.detail !== undefined ? { detail: str(m.detail) } : {}) })),
    steps: list(data.steps).map((s) => ({
      id: str(s.id),
      title: str(s.title),
      text: str(s.text),
      conditions: list(s.conditions).map((c) => ({ label: str(c.label), value: str(c.value) })),
    })),
  };
}

/** Text as the fingerprint reads it: Unicode-normalised, white space collapsed. Re-wrapping a line or re-quoting YAML changes nothing. */
const canonical = (text: string) => {
  // The same as normalize('NFC').replace(/\s+/g, ' ').trim(), about three times quicker: a text of ASCII only is NFC already, and
  // one without a run of white space, a white space other than the space or white space at either end is collapsed already.
  const normalised = NOT_ASCII.test(text) ? text.normalize('NFC') : text;
  return UNCOLLAPSED.test(normalised) ? normalised.replace(/\s+/g, ' ').trim() : normalised;
};
const NOT_ASCII = /[^\x00-\x7f]/;
/** What `replace(/\s+/g, ' ').trim()` changes: two white spaces in a row, any white space but the space, white space at an end. */
const UNCOLLAPSED = /\s\s|[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]|^\s|\s$/;

/** Crockford's base 32: no I, L, O or U, so a fingerprint read aloud or copied by hand is not misread. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The fingerprint of a protocol's content: 40 bits of a SHA-256 over its title, objective, materials and steps (white space and
 * Unicode form normalised), as eight characters in two groups ("K3F9-2Q7M"). Unchanged by formatting-only edits (line wrapping,
 * YAML quoting, key order, the review date, the history, citations); changed by any change of a word, number or unit.
 */
export function fingerprint(text: ProtocolText): string {
  const normalised = {
    title: canonical(text.title),
    objective: canonical(text.objective),
    materials: text.materials.map((m) => [canonical(m.name), canonical(m.detail ?? '')]),
    steps: text.steps.map((s) => [s.id, canonical(s.title), canonical(s.text), s.conditions.map((c) => [canonical(c.label), canonical(c.value)])]),
  };
  const hash = createHash('sha256').update(JSON.stringify(normalised)).digest();
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(hash[i]!);
  let out = '';
  for (let i = 7; i >= 0; i--) out += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
  return `${out.slice(0, 4)}-${out.slice(4)}`;
}

/** A typed fingerprint, as a person may type it: case, spaces, dashes and the look-alikes O/I/L read as 0/1/1. */
export function normaliseFingerprint(input: string): string {
  const plain = input
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return plain.length === 8 ? `${plain.slice(0, 4)}-${plain.slice(4)}` : plain;
}

/** Compares two version numbers ("1.2" < "1.10"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Where a version's archived text lives. */
export const snapshotFile = (protocolsDir: string, slug: string, version: string) => join(protocolsDir, VERSIONS_DIR, slug, `${version}.yaml`);

/** The archived text of one version, or undefined when there is none. */
export function readSnapshot(protocolsDir: string, slug: string, version: string): ProtocolText | undefined {
  const file = snapshotFile(protocolsDir, slug, version);
  if (!existsSync(file)) return undefined;
  const data = parse(readFileSync(file, 'utf8')) as unknown;
  return data && typeof data === 'object' ? protocolText(data as Record<string, unknown>) : undefined;
}

/** A run of words in a reworded text: kept, removed or added. */
export interface WordChange {
  text: string;
  change?: 'removed' | 'added';
}

export type StepChange =
  | { kind: 'added'; id: string; title: string; number: number }
  | { kind: 'removed'; id: string; title: string; number: number }
  | { kind: 'moved'; id: string; title: string; from: number; to: number }
  | { kind: 'retitled'; id: string; from: string; to: string }
  | { kind: 'reworded'; id: string; title: string; words: WordChange[] }
  | { kind: 'condition-changed'; id: string; title: string; label: string; from: string; to: string }
  | { kind: 'condition-added'; id: string; title: string; label: string; value: string }
  | { kind: 'condition-removed'; id: string; title: string; label: string; value: string };

export type MaterialChange =
  | { kind: 'added'; name: string; detail?: string }
  | { kind: 'removed'; name: string; detail?: string }
  | { kind: 'changed'; name: string; from: string; to: string };

/** What changed from one version to the next. */
export interface ProtocolChanges {
  title?: { from: string; to: string };
  objective?: WordChange[];
  materials: MaterialChange[];
  steps: StepChange[];
}

const words = (from: string, to: string): WordChange[] =>
  diffWordsWithSpace(from, to).map((part) => ({
    text: part.value,
    ...(part.removed ? { change: 'removed' as const } : part.added ? { change: 'added' as const } : {}),
  }));

/** The longest common subsequence of two id lists: the steps that kept their order. */
function keptOrder(a: string[], b: string[]): Set<string> {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return kept;
}

/**
 * The changes from `before` to `after`. Steps are matched by their id (their stable anchor), so a step that moved is one move,
 * not a removal and an addition; conditions by their label within a step; materials by name.
 */
export function diffProtocols(before: ProtocolText, after: ProtocolText): ProtocolChanges {
  const changes: ProtocolChanges = { materials: [], steps: [] };
  if (canonical(before.title) !== canonical(after.title)) changes.title = { from: before.title, to: after.title };
  if (canonical(before.objective) !== canonical(after.objective)) changes.objective = words(before.objective, after.objective);

  const oldMaterials = new Map(before.materials.map((m) => [canonical(m.name), m]));
  const newMaterials = new Map(after.materials.map((m) => [canonical(m.name), m]));
  for (const [name, m] of newMaterials) {
    const old = oldMaterials.get(name);
    if (!old) changes.materials.push({ kind: 'added', name: m.name, ...(m.detail ? { detail: m.detail } : {}) });
    else if (canonical(old.detail ?? '') !== canonical(m.detail ?? ''))
      changes.materials.push({ kind: 'changed', name: m.name, from: old.detail ?? '', to: m.detail ?? '' });
  }
  for (const [name, m] of oldMaterials)
    if (!newMaterials.has(name)) changes.materials.push({ kind: 'removed', name: m.name, ...(m.detail ? { detail: m.detail } : {}) });

  const oldSteps = new Map(before.steps.map((s, i) => [s.id, { step: s, number: i + 1 }]));
  const newSteps = new Map(after.steps.map((s, i) => [s.id, { step: s, number: i + 1 }]));
  const common = (list: ProtocolText['steps'], other: Map<string, unknown>) => list.map((s) => s.id).filter((id) => other.has(id));
  const kept = keptOrder(common(before.steps, newSteps), common(after.steps, oldSteps));
  for (const [id, { step, number }] of newSteps) {
    const old = oldSteps.get(id);
    if (!old) {
      changes.steps.push({ kind: 'added', id, title: step.title, number });
      continue;
    }
    if (!kept.has(id)) changes.steps.push({ kind: 'moved', id, title: step.title, from: old.number, to: number });
    if (canonical(old.step.title) !== canonical(step.title)) changes.steps.push({ kind: 'retitled', id, from: old.step.title, to: step.title });
    if (canonical(old.step.text) !== canonical(step.text))
      changes.steps.push({ kind: 'reworded', id, title: step.title, words: words(old.step.text, step.text) });
    const oldConditions = new Map(old.step.conditions.map((c) => [canonical(c.label), c]));
    const newConditions = new Map(step.conditions.map((c) => [canonical(c.label), c]));
    for (const [label, c] of newConditions) {
      const was = oldConditions.get(label);
      if (!was) changes.steps.push({ kind: 'condition-added', id, title: step.title, label: c.label, value: c.value });
      else if (canonical(was.value) !== canonical(c.value))
        changes.steps.push({ kind: 'condition-changed', id, title: step.title, label: c.label, from: was.value, to: c.value });
    }
    for (const [label, c] of oldConditions)
      if (!newConditions.has(label)) changes.steps.push({ kind: 'condition-removed', id, title: step.title, label: c.label, value: c.value });
  }
  for (const [id, { step, number }] of oldSteps) if (!newSteps.has(id)) changes.steps.push({ kind: 'removed', id, title: step.title, number });
  return changes;
}

/** Whether a diff found anything. */
export const hasChanges = (c: ProtocolChanges) => Boolean(c.title || c.objective || c.materials.length || c.steps.length);

/** One version as a page shows it. */
export interface VersionView extends VersionEntry {
  /** The version's text, when it is archived (always for the current one), and its fingerprint. */
  text?: ProtocolText;
  fingerprint?: string;
  /** What changed from the version before, when both texts are there. */
  changes?: ProtocolChanges;
  current: boolean;
}

/**
 * A protocol's versions, oldest first, with their fingerprints and changes: its history (or, without one, its current version
 * alone), each earlier text read from the archive.
 */
export function protocolVersions(
  protocolsDir: string,
  slug: string,
  data: { version: string; lastReviewed: Date; history?: VersionEntry[] | undefined } & Record<string, unknown>,
): VersionView[] {
  // A protocol's page and the printout check page both ask, with the same entry's data: worked out once, and again when an
  // archived version's file changed (the dev server keeps the entries between requests).
  const archived = (data.history ?? []).slice(0, -1).map((entry) => statSync(snapshotFile(protocolsDir, slug, entry.version), { throwIfNoEntry: false })?.mtimeMs ?? 'none');
  const key = [protocolsDir, slug, ...archived].join('\u0000');
  const known = viewsOf.get(data);
  if (known?.key === key) return known.views;
  const views = versionViews(protocolsDir, slug, data);
  viewsOf.set(data, { key, views });
  return views;
}

/** protocolVersions' last answer for each entry's data (each build loads its entries afresh), with what it was worked out from. */
const viewsOf = new WeakMap<object, { key: string; views: VersionView[] }>();

function versionViews(protocolsDir: string, slug: string, data: Parameters<typeof protocolVersions>[2]): VersionView[] {
  const current = protocolText(data);
  const history = data.history ?? [{ version: data.version, date: data.lastReviewed, summary: '' }];
  const texts = history.map((entry, i) => (i === history.length - 1 ? current : readSnapshot(protocolsDir, slug, entry.version)));
  return history.map((entry, i) => {
    const text = texts[i];
    const previous = i > 0 ? texts[i - 1] : undefined;
    return {
      ...entry,
      current: i === history.length - 1,
      ...(text ? { text, fingerprint: fingerprint(text) } : {}),
      ...(text && previous ? { changes: diffProtocols(previous, text) } : {}),
    };
  });
}
