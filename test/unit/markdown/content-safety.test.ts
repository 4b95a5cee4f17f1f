/** The safe subset of MDX that content may use, rule by rule, on MDX parsed as the checks parse it. */
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import type { Nodes } from 'mdast';
import { describe, expect, it } from 'vitest';
import { isSafeUrl, mermaidLinkProblems, safetyProblems } from '../../../src/markdown/content-safety';

const parser = unified().use(remarkParse).use(remarkMdx);
/** The rule ids an MDX body breaks, in document order. */
function rules(mdx: string): string[] {
  const found: string[] = [];
  visit(parser.parse(mdx), (node: Nodes) => {
    if (node.type !== 'root') found.push(...safetyProblems(node).map((p) => p.rule));
  });
  return found;
}

describe('content safety', () => {
  it('lets Markdown, plain HTML elements with literal attributes, and frontmatter reads through', () => {
    expect(
      rules('# Title\n\nText with [a link](/faq/x/#y), [mail](mailto:a@b.org), ![alt](/img.png) and <abbr title="melting temperature">Tm</abbr>.\n'),
    ).toEqual([]);
    expect(rules('This page answers: {frontmatter.question}\n')).toEqual([]);
    expect(rules('<a href="https://example.org/a?b=c">x</a>\n')).toEqual([]);
  });

  it.each([
    ["import { readFileSync } from 'node:fs'\n", 'mdx-esm'],
    ['export const x = 1\n', 'mdx-esm'],
    ['Two is {1 + 1}.\n', 'mdx-expression'],
    ["{frontmatter.question.replace('a', 'b')}\n", 'mdx-expression'],
    ['<abbr title={x}>Tm</abbr>\n', 'mdx-expression'],
    ['<abbr {...props}>Tm</abbr>\n', 'mdx-expression'],
    ['<script>alert(1)</script>\n', 'unsafe-element'],
    ['<style>body</style>\n', 'unsafe-element'],
    ['<iframe src="https://example.org/"></iframe>\n', 'unsafe-element'],
    ['<object data="x.swf"></object>\n', 'unsafe-element'],
    ['<embed src="x.swf" />\n', 'unsafe-element'],
    ['<svg><a href="#x">x</a></svg>\n', 'unsafe-element'],
    ['<Widget />\n', 'unsafe-element'],
    ['<img src="/a.png" alt="a" onError="alert(1)" />\n', 'unsafe-attribute'],
    ['[x](javascript:alert(1))\n', 'unsafe-url'],
    ['[x](JaVaScRiPt:alert(1))\n', 'unsafe-url'],
    ['![x](data:image/svg+xml,abc)\n', 'unsafe-url'],
    ['[x]: vbscript:msgbox\n\n[y][x]\n', 'unsafe-url'],
    ['<a href="data:text/html,hi">x</a>\n', 'unsafe-url'],
  ])('refuses %j (%s)', (mdx, rule) => {
    expect(rules(mdx)).toContain(rule);
  });

  it('accepts only web, mail, relative and in-page addresses', () => {
    for (const url of ['https://a.org', 'http://a.org', 'mailto:a@b.org', '/faq/', '#step', '../x', 'page.html', '?q=1'])
      expect(isSafeUrl(url), url).toBe(true);
    for (const url of ['javascript:alert(1)', ' javascript:x', 'java\nscript:x', 'data:text/html,x', 'vbscript:x', 'file:///etc/passwd', 'blob:x'])
      expect(isSafeUrl(url), url).toBe(false);
  });

  it('checks diagram links and refuses diagram callbacks, by line', () => {
    const problems = mermaidLinkProblems(
      ['flowchart LR', '  A --> B', '  click A href "#step"', '  click B href "javascript:alert(1)"', '  click A call run()'].join('\n'),
    );
    expect(problems.map((p) => [p.line, p.rule])).toEqual([
      [4, 'unsafe-url'],
      [5, 'mdx-expression'],
    ]);
  });
});
