/**
 * The content-safety rules inside Astro's own Markdown pipeline, so that no
 * MDX file is compiled with an import, an expression, a script or an unsafe
 * address even when the build's content checks (which report the same rules
 * with hints) have not finished yet: the first problem fails the file at its
 * line. Shares its rules with the checks (content-safety.ts).
 */
import type { Nodes, Root } from 'mdast';
import type { Plugin } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { mermaidLinkProblems, safetyProblems } from './content-safety.ts';

export const remarkContentSafety: Plugin<[], Root> = () => (tree: Root, file: VFile) => {
  visit(tree, (node: Nodes) => {
    const problems = node.type === 'code' && node.lang === 'mermaid' ? mermaidLinkProblems(node.value) : node.type === 'root' ? [] : safetyProblems(node);
    const first = problems[0];
    if (first)
      file.fail(`${first.rule}  ${first.message}\n    hint: ${first.hint}`, { place: node.position, ruleId: first.rule, source: 'remark-content-safety' });
  });
};
