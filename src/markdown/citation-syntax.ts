/**
 * The citation syntax shared by the remark plugin and the content queries:
 * `[@id]` or `[@id1; @id2]`, pandoc style, where each id names an entry of
 * `content/references.yaml`.
 */

/** A citation group as written, e.g. `[@a; @b]`; the `g` flag is for scanning text. */
export const CITATION_GROUP = /\[(@[^\]\n]*)\]/g;

/** What a single id must look like. */
export const CITATION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One citation group found in text. */
export interface CitationGroup {
  /** Offset of `[` in the scanned text. */
  start: number;
  /** Offset just past `]`. */
  end: number;
  /** The ids in the order written. */
  ids: string[];
  /** Ids that do not have the form of an id, as written. */
  malformed: string[];
}

/** Finds every citation group in `text`, in order. */
export function scanCitations(text: string): CitationGroup[] {
  const groups: CitationGroup[] = [];
  for (const match of text.matchAll(CITATION_GROUP)) {
    const ids: string[] = [];
    const malformed: string[] = [];
    for (const part of match[1]!.split(';')) {
      const id = part.trim().replace(/^@/, '');
      (CITATION_ID.test(id) && part.trim().startsWith('@') ? ids : malformed).push(part.trim());
    }
    groups.push({
      start: match.index,
      end: match.index + match[0].length,
      ids: ids.map((id) => id.slice(1)),
      malformed,
    });
  }
  return groups;
}
