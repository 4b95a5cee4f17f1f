import type { PhrasingContent, Root, Text } from 'mdast';
import type { Plugin } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { scanCitations } from './citation-syntax.ts';
import { translator, type Translate } from '../i18n/ui.ts';

/** Options of {@link remarkCitations}. */
export interface RemarkCitationsOptions {
  /** Every known reference id with the number its marker shows. */
  references: ReadonlyMap<string, number>;
  /** The center's interface words (each marker's accessible name); English when not given. */
  say?: Translate;
}

const RULE = 'remark-citations';

/**
 * Turns `[@id]` and `[@id1; @id2]` into numbered superscript links to the
 * page's reference list (`#ref-<id>`). Each marker gets the anchor
 * `cite-<id>-<k>` (k-th citation of that id in the file) so the references
 * page can link back to it. An unknown or malformed id fails the file with
 * its position, so a bad citation can never reach the site.
 *
 * The ids cited are recorded, in order of first use, on
 * `file.data.astro.frontmatter.citations`.
 */
export const remarkCitations: Plugin<[RemarkCitationsOptions], Root> = ({ references, say = translator() }) => {
  return (tree: Root, file: VFile) => {
    const seen = new Map<string, number>();
    visit(tree, 'text', (node: Text, index, parent) => {
      if (!parent || index === undefined) return;
      const groups = scanCitations(node.value);
      if (groups.length === 0) return;

      const replacement: PhrasingContent[] = [];
      let offset = 0;
      for (const group of groups) {
        for (const bad of group.malformed) {
          fail(
            file,
            node,
            'malformed-id',
            `Malformed citation "${bad}": write [@id] or [@id1; @id2] with kebab-case ids, e.g. [@ptglab-coip-troubleshooting].`,
          );
        }
        if (group.ids.length === 0) {
          fail(file, node, 'malformed-id', 'Empty citation "[@]": name at least one reference id.');
        }
        for (const id of group.ids) {
          if (!references.has(id)) {
            fail(file, node, 'unknown-id', `Unknown reference id "${id}": it is not in content/references.yaml.`);
          }
        }
        if (group.start > offset) replacement.push({ type: 'text', value: node.value.slice(offset, group.start) });
        replacement.push(marker(group.ids, references, seen, say));
        offset = group.end;
      }
      if (offset < node.value.length) replacement.push({ type: 'text', value: node.value.slice(offset) });
      parent.children.splice(index, 1, ...replacement);
      return [SKIP, index + replacement.length];
    });

    const data = file.data as { astro?: { frontmatter?: Record<string, unknown> } };
    data.astro ??= {};
    data.astro.frontmatter ??= {};
    data.astro.frontmatter.citations = [...seen.keys()];
  };
};

function fail(file: VFile, node: Text, rule: string, message: string): never {
  // VFile.fail throws a VFileMessage carrying file, line and column.
  file.fail(message, { place: node.position, ruleId: rule, source: RULE });
}

/** `<sup class="cite">[<a>1</a>, <a>2</a>]</sup>` as mdast with hast hints. */
function marker(ids: string[], references: ReadonlyMap<string, number>, seen: Map<string, number>, say: Translate): PhrasingContent {
  const children: PhrasingContent[] = [{ type: 'text', value: '[' }];
  ids.forEach((id, i) => {
    const k = (seen.get(id) ?? 0) + 1;
    seen.set(id, k);
    const n = references.get(id)!;
    if (i > 0) children.push({ type: 'text', value: ', ' });
    children.push({
      type: 'link',
      url: `#ref-${id}`,
      children: [{ type: 'text', value: String(n) }],
      data: { hProperties: { id: `cite-${id}-${k}`, 'aria-label': say('references.marker', { number: n }) } },
    });
  });
  children.push({ type: 'text', value: ']' });
  return {
    type: 'emphasis',
    children,
    data: { hName: 'sup', hProperties: { className: ['cite'] } },
  };
}
