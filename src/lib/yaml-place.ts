/** Line and column of a field in a YAML document, for messages that name the exact place. */
import { LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';

export interface Place {
  line: number;
  column: number;
}

/** A YAML text parsed once with positions; `placeOf` finds a field, or its nearest existing parent. */
export class YamlPositions {
  readonly doc: Document;
  readonly lines = new LineCounter();
  /** Added to every line: the frontmatter of an MDX file starts on line 2. */
  readonly lineOffset: number;
  constructor(text: string, lineOffset = 0) {
    this.lineOffset = lineOffset;
    this.doc = parseDocument(text, { lineCounter: this.lines });
  }

  placeOf(path: readonly PropertyKey[]): Place {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n) as (string | number)[], true) as YamlNode | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) {
        const pos = this.lines.linePos(node.range[0]);
        return { line: pos.line + this.lineOffset, column: pos.col };
      }
    }
    return { line: 1 + this.lineOffset, column: 1 };
  }
}

/**
 * The path a schema issue is about: for a key the schema does not know (zod's `unrecognized_keys`), the key itself rather than
 * the map that holds it, so the message names the key's own line and field.
 */
export function issuePath(issue: { code?: string; path: readonly PropertyKey[]; keys?: readonly string[] }): PropertyKey[] {
  return issue.code === 'unrecognized_keys' && issue.keys?.length ? [...issue.path, issue.keys[0]!] : [...issue.path];
}
