import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isSeq, isMap } from 'yaml';
import { issuePath } from './yaml-place.ts';
import { ReferenceSchema } from '../schemas/reference.ts';

/** A problem in the references file, with its place. */
export class ReferenceFileError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}  references  ${message}`);
    this.name = 'ReferenceFileError';
  }
}

/**
 * Reads `references.yaml` into id → number, before Astro runs, so the
 * citation plugin can check ids. Fails with file and line on a duplicate id
 * or number, or an entry that does not match the reference schema.
 */
export function loadReferenceIndex(file: string): Map<string, number> {
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ReferenceFileError(file, e.linePos?.[0]?.line ?? 1, e.message);
  }
  if (!isSeq(doc.contents)) throw new ReferenceFileError(file, 1, 'expected a list of references');

  const index = new Map<string, number>();
  const numbers = new Map<number, string>();
  for (const item of doc.contents.items) {
    const line = isMap(item) && item.range ? lines.linePos(item.range[0]).line : 1;
    const parsed = ReferenceSchema.safeParse((item as { toJSON(): unknown }).toJSON());
    if (!parsed.success) {
      const path = issuePath(parsed.error.issues[0]!);
      const node = isMap(item) ? (item.getIn(path as (string | number)[], true) as { range?: [number, number, number] } | undefined) : undefined;
      const at = node?.range ? lines.linePos(node.range[0]).line : line;
      throw new ReferenceFileError(file, at, `field "${path.join('.') || '(entry)'}": ${parsed.error.issues[0]!.message}`);
    }
    const { id, number } = parsed.data;
    if (index.has(id)) throw new ReferenceFileError(file, line, `duplicate reference id "${id}"`);
    if (numbers.has(number)) {
      throw new ReferenceFileError(file, line, `reference number ${number} is used by "${numbers.get(number)}" and "${id}"`);
    }
    index.set(id, number);
    numbers.set(number, id);
  }
  return index;
}
