/**
 * The body renderer runs remark-smartypants only on a body with something for it to change: every body comes out as the plugin
 * itself leaves it, typeset or not.
 */
import type { Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import remarkSmartypants from 'remark-smartypants';
import { unified, type Plugin } from 'unified';
import { describe, expect, it } from 'vitest';
import { hasTypesetting, remarkSmartypantsWhereNeeded } from '../../../src/markdown/remark-smartypants-where-needed';

const withPlugin = (plugin: Plugin<[], Root>) => unified().use(remarkParse).use(remarkMdx).use(remarkGfm).use(plugin).freeze();
const always = withPlugin(remarkSmartypants as unknown as Plugin<[], Root>);
const whereNeeded = withPlugin(remarkSmartypantsWhereNeeded as Plugin<[], Root>);
const tree = (processor: typeof always, body: string) => processor.runSync(processor.parse(body));

const BODIES = {
  plain: 'Incubate at 4 °C for 30 min, then add 10 µg/mL trastuzumab (Ser473 stays phosphorylated).\n\nTwo dots .. are not an ellipsis.',
  table: '| Reagent | Volume |\n| --- | --- |\n| DAB substrate | 10 µL |\n| PBS | 50 µL at 60 °C |',
  'inline code only': 'Run `grep "x" -- file...` and go on.',
  'double quotes': 'The protocol says "wash twice" before blocking.',
  apostrophes: "The cells' response: don't re-use the '90s antibody lots, it's 'old'.",
  'quotes across emphasis and links': 'A *"marked"* phrase and [a "linked" one](https://example.org) in "one *sentence*".',
  dashes: 'Range 10--20 µL --- or more.',
  ellipses: 'Wait... then . . . go on.',
  backticks: "``Quoted the old way''.",
  'heading and table cell': '## The "short" answer\n\n| Cause | Fix |\n| --- | --- |\n| "Edge" effect -- plates | Wait... |',
};

describe('remark-smartypants where needed', () => {
  for (const [name, body] of Object.entries(BODIES))
    it(`leaves the ${name} body as remark-smartypants itself does`, () => {
      expect(tree(whereNeeded, body)).toEqual(tree(always, body));
    });

  it('typesets what needs it (the plugin does run there)', () => {
    const text = JSON.stringify(tree(whereNeeded, `${BODIES['double quotes']} ${BODIES.dashes} ${BODIES.ellipses}`));
    expect(text).toContain('“wash twice”');
    expect(text).toContain('—');
    expect(text).toContain('…');
  });

  it('passes over the bodies with nothing to typeset, and only those', () => {
    const parse = (body: string) => unified().use(remarkParse).use(remarkMdx).use(remarkGfm).parse(body);
    for (const name of ['plain', 'table', 'inline code only'] as const) expect(hasTypesetting(parse(BODIES[name])), name).toBe(false);
    for (const name of ['double quotes', 'apostrophes', 'dashes', 'ellipses', 'backticks', 'heading and table cell'] as const)
      expect(hasTypesetting(parse(BODIES[name])), name).toBe(true);
  });
});
