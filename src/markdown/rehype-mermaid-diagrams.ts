import { translator, type Translate } from '../i18n/ui.ts';
import type { Element, ElementContent, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { find, svg as svgSchema } from 'property-information';
import { isSafeUrl } from './content-safety.ts';
import { toText } from 'hast-util-to-text';
import type { Plugin } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { diagramCacheKey, writeCachedDiagram } from './diagram-cache.ts';
import { renderedDiagram } from './diagram-render.ts';
import { themeSvg, withDiagramClasses } from './diagram-theme.ts';
import { renderMermaid, type RenderedDiagram } from './mermaid-renderer.ts';

/** Options of {@link rehypeMermaidDiagrams}. */
export interface RehypeMermaidDiagramsOptions {
  /** Folder of the committed render cache. */
  cacheDir: string;
  /** The center's interface words (the description's summary, the scroll box's name); English when not given. */
  say?: Translate;
}

/** Counts for the build log. */
export const diagramStats = { fromCache: 0, rendered: 0, used: new Set<string>() };

const RULE = 'rehype-mermaid-diagrams';

interface Found {
  pre: Element;
  parent: { children: (Root | Element)['children'] };
  code: string;
  caption: string | undefined;
  line: number;
}

/**
 * Replaces each ```mermaid block with a figure holding the diagram as inline
 * SVG, its caption (from `caption="…"` in the fence's meta), and its
 * `accDescr` as a text alternative. Colours become theme custom properties.
 * A diagram mermaid cannot parse fails the file at the diagram's line.
 */
export const rehypeMermaidDiagrams: Plugin<[RehypeMermaidDiagramsOptions], Root> = ({ cacheDir, say = translator() }) => {
  return async (tree: Root, file: VFile) => {
    const found: Found[] = [];
    visit(tree, 'element', (node: Element, index, parent) => {
      if (node.tagName !== 'pre' || !parent || index === undefined) return;
      const code = node.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
      const classes = code?.properties.className;
      if (!code || !Array.isArray(classes) || !classes.includes('language-mermaid')) return;
      // The fence's meta: unified's Markdown keeps it on data.meta, Astro's MDX on the metastring property.
      const meta = String((code.data as { meta?: string } | undefined)?.meta ?? code.properties.metastring ?? '');
      delete code.properties.metastring;
      found.push({
        pre: node,
        parent,
        code: toText(code, { whitespace: 'pre' }),
        caption: /caption="([^"]*)"/.exec(meta)?.[1],
        line: node.position?.start.line ?? 1,
      });
    });
    if (found.length === 0) return;

    const keyed = found.map((f) => ({ ...f, source: withDiagramClasses(f.code), key: diagramCacheKey(f.code) }));
    // The build may be rendering these diagrams right now (diagram-render.ts, started by the diagrams integration): their renders
    // come from there as soon as they are back, else from the cache.
    const prepared = await Promise.all(keyed.map(async (k) => ({ ...k, cached: await renderedDiagram(cacheDir, k.key) })));
    const missing = prepared.filter((p) => !p.cached);
    if (missing.length > 0) {
      const results = await renderMermaid(missing.map((m) => ({ id: `diagram-${m.key.slice(0, 12)}`, code: m.source })));
      results.forEach((result, i) => {
        const item = missing[i]!;
        if (!result.ok) {
          const line = item.line + (result.error.line ?? 1);
          // Worded like the content checks (file:line:col  rule-id  message), which leave diagrams to this plugin during a build.
          file.fail(
            `${file.path}:${line}:1  diagram-parse  Mermaid could not parse this diagram: ${result.error.message}\n    hint: fix the diagram; see mermaid.js.org/syntax for the syntax.`,
            {
              place: { line, column: 1 },
              ruleId: 'parse-error',
              source: RULE,
            },
          );
        }
        item.cached = result.diagram;
        writeCachedDiagram(cacheDir, item.key, result.diagram);
        diagramStats.rendered++;
      });
    }
    diagramStats.fromCache += prepared.length - missing.length;
    for (const item of prepared) diagramStats.used.add(item.key);

    const repeats = new Map<string, number>();
    for (const item of prepared) {
      const diagram = uniqueIds(item.cached!, item.key, repeats);
      if (!diagram.title || !diagram.description) {
        file.fail('A diagram needs an accessible title and description: add `accTitle: …` and `accDescr { … }`.', {
          place: { line: item.line, column: 1 },
          ruleId: 'missing-accessibility',
          source: RULE,
        });
      }
      if (!item.caption) {
        file.fail('A diagram needs a caption: write ```mermaid caption="…".', {
          place: { line: item.line, column: 1 },
          ruleId: 'missing-caption',
          source: RULE,
        });
      }
      const index = item.parent.children.indexOf(item.pre);
      item.parent.children.splice(index, 1, figure(item.key, diagram, item.caption!, say, repeats.get(item.key)));
    }
  };
};

/**
 * Every id mermaid writes contains the diagram's own id, which comes from its
 * content hash; the same diagram twice in one file gets a suffix, so no two
 * diagrams on a page share an id.
 */
function uniqueIds(diagram: RenderedDiagram, key: string, repeats: Map<string, number>): RenderedDiagram {
  const n = (repeats.get(key) ?? 0) + 1;
  repeats.set(key, n);
  if (n === 1) return diagram;
  const id = `diagram-${key.slice(0, 12)}`;
  return { ...diagram, svg: diagram.svg.replaceAll(id, `${id}-${n}`) };
}

/**
 * Sanitises the render, and keys every SVG property by its real attribute name (`markerEnd` → `marker-end`, `textAnchor` → `text-anchor`). MDX's
 * static optimisation serialises an element's children on their own, outside the SVG namespace, where a property name is
 * written as is; the HTML parser then lowercases `markerEnd` into `markerend`, which SVG ignores: the diagrams lost every
 * arrowhead and their labels' centring that way. Attribute names are right in either namespace.
 */
function withAttributeNames(node: Element): Element {
  const properties: Record<string, Element['properties'][string]> = {};
  for (const [key, value] of Object.entries(node.properties)) {
    if (key === 'className') {
      properties[key] = value;
      continue;
    }
    const info = find(svgSchema, key);
    const attribute = info.attribute.toLowerCase();
    // The render is data, not markup to trust (a cached file can be edited): no handler, and no address that runs code.
    if (attribute.startsWith('on')) continue;
    const text = Array.isArray(value) ? value.join(info.commaSeparated ? ',' : ' ') : value;
    if ((attribute === 'href' || attribute === 'xlink:href' || attribute === 'src') && typeof text === 'string' && !isSafeUrl(text)) continue;
    properties[info.attribute] = text;
  }
  const children = node.children.filter((c) => c.type !== 'element' || !UNSAFE_IN_DIAGRAMS.has(c.tagName.toLowerCase()));
  return { ...node, properties: properties as Element['properties'], children: children.map((c) => (c.type === 'element' ? withAttributeNames(c) : c)) };
}

/** Elements a diagram never needs and that could run or embed code. */
const UNSAFE_IN_DIAGRAMS = new Set([
  'script',
  'iframe',
  'object',
  'embed',
  'image',
  'img',
  'animate',
  'set',
  'animatetransform',
  'animatemotion',
  'handler',
  'listener',
]);

function figure(key: string, diagram: RenderedDiagram, caption: string, say: Translate, n = 1): Element {
  const svg = withAttributeNames(fromHtml(themeSvg(diagram.svg), { fragment: true, space: 'svg' }).children.find((c) => c.type === 'element') as Element);
  const id = `figure-${key.slice(0, 12)}${n > 1 ? `-${n}` : ''}`;
  // Wide diagrams keep a legible minimum width on phones and scroll; narrow ones just scale.
  const [width, height] = (/viewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)/.exec(diagram.svg) ?? []).slice(1).map(Number) as [number?, number?];
  // A tall one (a long workflow) prints on a page of its own, as large as the page allows.
  const classes = [...(width && width > 600 ? ['diagram', 'diagram-wide'] : ['diagram']), ...(width && height && height / width > 1.5 ? ['diagram-tall'] : [])];
  const e = (tagName: string, properties: Element['properties'], children: ElementContent[]): Element => ({ type: 'element', tagName, properties, children });
  // On a phone a wide diagram first fits the screen, whole; this button enlarges it to a legible size that scrolls sideways.
  const zoom = classes.includes('diagram-wide')
    ? [
        e('button', { type: 'button', className: ['diagram-zoom'], dataDiagramZoom: '', ariaPressed: 'false' }, [
          { type: 'text', value: say('diagram.enlarge') },
        ]),
      ]
    : [];
  return e('figure', { className: classes, id }, [
    ...zoom,
    e('div', { className: ['diagram-scroll'], tabIndex: 0, role: 'group', ariaLabel: say('diagram.label', { title: diagram.title ?? '' }) }, [svg]),
    e('figcaption', {}, [{ type: 'text', value: caption }]),
    e('details', { className: ['diagram-text'] }, [
      e('summary', {}, [{ type: 'text', value: say('diagram.textDescription') }]),
      e('p', {}, [{ type: 'text', value: diagram.description ?? '' }]),
    ]),
  ]);
}
