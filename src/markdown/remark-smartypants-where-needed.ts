/**
 * remark-smartypants (curly quotes, dashes and ellipses, as Astro's Markdown processor applies it), run only on a body that has
 * something for it to change. The plugin parses the body's whole text into a natural-language tree, and then every text node on
 * its own again: about a fifth of the time spent rendering bodies, on a body with nothing to typeset as on any other.
 *
 * It changes only the text nodes, and only where they hold a straight quote (" or '), a backtick pair, a double hyphen or three
 * dots with nothing but white space between them. A body none of whose text nodes holds one of those is left as it is, which
 * is what the plugin would leave; any other body goes through the plugin unchanged.
 */
import type { Root } from 'mdast';
import remarkSmartypants from 'remark-smartypants';
import type { Plugin, Transformer } from 'unified';
import { visit } from 'unist-util-visit';

/** What remark-smartypants can change in a text node (its quotes, backticks, dashes and ellipses passes). */
const TYPESET = /["'`]|--|\.\s*\.\s*\./;

/** Whether any text node of the tree holds something remark-smartypants would change. */
export function hasTypesetting(tree: Root): boolean {
  let found = false;
  visit(tree, 'text', (node) => {
    if (!TYPESET.test(node.value)) return undefined;
    found = true;
    return false;
  });
  return found;
}

/** The plugin's options (retext-smartypants'), as remark-smartypants declares them. */
type Options = Parameters<typeof remarkSmartypants>[0];

export const remarkSmartypantsWhereNeeded: Plugin<[Options?], Root> = function (options) {
  const typeset = (remarkSmartypants as unknown as Plugin<[Options?], Root>).call(this, options) as Transformer<Root>;
  // remark-smartypants's transformer is synchronous: it takes no callback, and it is called with none here.
  return (tree, file) => (hasTypesetting(tree) ? typeset(tree, file, () => undefined) : undefined);
};
