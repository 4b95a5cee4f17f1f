import { translator, type Translate } from '../i18n/ui.ts';
import type { Element, ElementContent, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toHtml } from 'hast-util-to-html';
import { relative } from 'node:path';
import { find, svg as svgSchema } from 'property-information';
import { isSafeUrl } from './content-safety.ts';
import { toText } from 'hast-util-to-text';
import type { Plugin } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { diagramCacheKey, writeCachedDiagram } from './diagram-cache.ts';
import { DEFERRED_DIAGRAM_MARK, DEFERRED_DIAGRAMS } from '../build/page-handoff.ts';
import { renderedDiagram, renderersClosed, renderPending } from './diagram-render.ts';
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
  const transform = diagramsOf(cacheDir, say);
  return async (tree: Root, file: VFile) => {
    try {
      await transform(tree, file);
    } catch (error) {
      // The build ends with this error: the diagram renderer's browser closes first, or its folder stays behind.
      await renderersClosed();
      throw error;
    }
  };
};

/** The plugin's work on one file; it fails the file as soon as a diagram is wrong. */
function diagramsOf(cacheDir: string, say: Translate) {
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
    // come from there as soon as they are back, else from the cache. In a build, a body does not wait for a render still under
    // way: it holds a placeholder, which the page's handoff fills in ({@link fillDeferredDiagrams}), so Astro syncs the content
    // and bundles the pages while the browser renders.
    const defer = DEFERRED_DIAGRAMS in globalThis;
    const prepared: ((typeof keyed)[number] & { cached?: RenderedDiagram | undefined; deferred?: boolean })[] = await Promise.all(
      keyed.map(async (k) => (defer && renderPending(k.key) ? { ...k, deferred: true } : { ...k, cached: await renderedDiagram(cacheDir, k.key) })),
    );
    const missing = prepared.filter((p) => !p.cached && !p.deferred);
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
    diagramStats.fromCache += prepared.filter((p) => !p.deferred).length - missing.length;
    for (const item of prepared) diagramStats.used.add(item.key);

    const repeats = new Map<string, number>();
    for (const item of prepared) {
      const n = (repeats.get(item.key) ?? 0) + 1;
      repeats.set(item.key, n);
      if (item.deferred) {
        if (!item.caption) failCaption(file, item.line);
        const index = item.parent.children.indexOf(item.pre);
        const later: Deferred = { key: item.key, source: item.source, caption: item.caption!, n, file: file.path, line: item.line, words: figureWords(say) };
        item.parent.children.splice(index, 1, { type: 'comment', value: placeholder(later) });
        continue;
      }
      const diagram = uniqueIds(item.cached!, item.key, n);
      if (!diagram.title || !diagram.description) {
        file.fail(`${file.path}:${item.line}:1  ${NO_TEXT_ALTERNATIVE}`, {
          place: { line: item.line, column: 1 },
          ruleId: 'missing-accessibility',
          source: RULE,
        });
      }
      if (!item.caption) failCaption(file, item.line);
      const index = item.parent.children.indexOf(item.pre);
      item.parent.children.splice(index, 1, figure(item.key, diagram, item.caption!, figureWords(say), n));
    }
  };
}

/** The message of a diagram without a text alternative, after its place (file:line:column). */
const NO_TEXT_ALTERNATIVE =
  'missing-accessibility  A diagram needs an accessible title and description.\n    hint: add `accTitle: …` and `accDescr { … }` inside the diagram.';

/** An error that is its message: the build prints it as the content checks print theirs, without a stack trace. */
function clearError(message: string): Error {
  const error = new Error(message);
  error.stack = message;
  return error;
}

function failCaption(file: VFile, line: number): never {
  file.fail('A diagram needs a caption: write ```mermaid caption="…".', {
    place: { line, column: 1 },
    ruleId: 'missing-caption',
    source: RULE,
  });
}

/** The interface words of a figure. */
interface FigureWords {
  enlarge: string;
  /** The scroll box's name around the diagram's title: the text before and after it. */
  label: string[];
  textDescription: string;
}

const TITLE_SLOT = '\u0000';
const figureWords = (say: Translate): FigureWords => ({
  enlarge: say('diagram.enlarge'),
  label: say('diagram.label', { title: TITLE_SLOT }).split(TITLE_SLOT),
  textDescription: say('diagram.textDescription'),
});

/** A figure a body left for later: all it needs but the render, which comes by its key. */
interface Deferred {
  key: string;
  /** The diagram's source, for a render that did not come back. */
  source: string;
  caption: string;
  /** 1 for a diagram's first figure in its body, 2 for its second, …: its ids are made unique by it. */
  n: number;
  file: string;
  line: number;
  words: FigureWords;
}

const PLACEHOLDER = DEFERRED_DIAGRAM_MARK.slice('<!--'.length);
/** A comment no body can write (MDX has no comments): JSON without a `-`, `<` or `>` that could end it. */
const placeholder = (later: Deferred) => PLACEHOLDER + JSON.stringify(later).replace(/[-<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const PLACEHOLDERS = new RegExp(`${DEFERRED_DIAGRAM_MARK}(\\{[^]*?\\})-->`, 'g');

/**
 * A built page with the figures its body left for later filled in, each as the plugin would have written it in the body,
 * once its render is back (from the renders under way, else from the cache, else rendered here). Rejects, naming the file
 * and line, for a diagram that could not be rendered or has no accessible title and description.
 */
export async function fillDeferredDiagrams(html: string, cacheDir: string): Promise<string> {
  if (!html.includes(DEFERRED_DIAGRAM_MARK)) return html;
  try {
    return await fill(html, cacheDir);
  } catch (error) {
    // The build ends with this error: the diagram renderer's browser closes first, or its folder stays behind.
    await renderersClosed();
    throw error;
  }
}

async function fill(html: string, cacheDir: string): Promise<string> {
  const figures = await Promise.all(
    [...html.matchAll(PLACEHOLDERS)].map(async ([, json]) => {
      const later = JSON.parse(json!) as Deferred;
      let diagram = await renderedDiagram(cacheDir, later.key);
      if (!diagram) {
        // The renders under way failed (their browser did): rendered here, as the plugin renders a diagram no one rendered.
        const [result] = await renderMermaid([{ id: `diagram-${later.key.slice(0, 12)}`, code: later.source }]);
        if (!result!.ok)
          throw clearError(
            `${relative(process.cwd(), later.file)}:${later.line + (result!.error.line ?? 1)}:1  diagram-parse  Mermaid could not parse this diagram: ${result!.error.message}\n    hint: fix the diagram; see mermaid.js.org/syntax for the syntax.`,
          );
        diagram = result!.diagram;
        writeCachedDiagram(cacheDir, later.key, diagram);
        diagramStats.rendered++;
      }
      if (!diagram.title || !diagram.description) throw clearError(`${relative(process.cwd(), later.file)}:${later.line}:1  ${NO_TEXT_ALTERNATIVE}`);
      diagram = uniqueIds(diagram, later.key, later.n);
      return toHtml(figure(later.key, diagram, later.caption, later.words, later.n));
    }),
  );
  let i = 0;
  return html.replace(PLACEHOLDERS, () => figures[i++]!);
}

/**
 * Every id mermaid writes contains the diagram's own id, which comes from its
 * content hash; the same diagram twice in one file gets a suffix, so no two
 * diagrams on a page share an id.
 */
function uniqueIds(diagram: RenderedDiagram, key: string, n: number): RenderedDiagram {
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

/** Print geometry of a tall diagram: the text column and the height a slice may take on a page, in millimetres. */
const PRINT = { columnMm: 180, sliceMm: 215, fontPx: 16, minPt: 7, targetPt: 8.5 };
const PT_PER_MM = 72 / 25.4;

/** The vertical extents (in the SVG's units) of a diagram's boxes and edge labels: where a slice must not cut. */
export function boxBands(svg: Element): [number, number][] {
  const bands: [number, number][] = [];
  const walk = (node: Element, y: number, inBox: boolean) => {
    const translate = /translate\(\s*[-\d.e]+[\s,]+([-\d.e]+)\s*\)/.exec(String(node.properties.transform ?? ''));
    const at = y + (translate ? Number(translate[1]) : 0);
    const classes = ([] as unknown[]).concat(node.properties.className ?? []).map(String);
    const box = inBox || classes.includes('node') || classes.includes('edgeLabel') || classes.includes('cluster-label');
    if (box && node.tagName === 'rect') {
      const top = at + Number(node.properties.y ?? 0);
      bands.push([top, top + Number(node.properties.height ?? 0)]);
    }
    if (box && (node.tagName === 'circle' || node.tagName === 'ellipse')) {
      const cy = at + Number(node.properties.cy ?? 0);
      const r = Number(node.properties.r ?? node.properties.ry ?? 0);
      bands.push([cy - r, cy + r]);
    }
    if (box && node.tagName === 'polygon') {
      const ys = String(node.properties.points ?? '')
        .trim()
        .split(/\s+/)
        .map((pair) => at + Number(pair.split(',')[1]));
      if (ys.length > 0) bands.push([Math.min(...ys), Math.max(...ys)]);
    }
    for (const child of node.children) if (child.type === 'element') walk(child, at, box);
  };
  walk(svg, 0, false);
  return bands;
}

/** The y offset an element's `transform="translate(x, y)"` adds. */
const translateY = (node: Element) => Number(/translate\(\s*[-\d.e]+[\s,]+([-\d.e]+)\s*\)/.exec(String(node.properties.transform ?? ''))?.[1] ?? 0);

/**
 * A slice without the boxes, labels and edges that lie wholly outside its band (from..to): they would be clipped anyway, and
 * each slice would otherwise carry the whole drawing.
 */
function cullOutside(node: Element, y: number, from: number, to: number): Element {
  const at = y + translateY(node);
  const classes = ([] as unknown[]).concat(node.properties.className ?? node.properties.class ?? []).flatMap((c) => String(c).split(/\s+/));
  const inBand = ([top, bottom]: [number, number]) => bottom >= from && top <= to;
  const children = node.children.filter((child) => {
    if (child.type !== 'element') return true;
    // A box or an edge label (a node may sit in a link that carries its position): its own extent decides.
    if (classes.includes('nodes') || classes.includes('edgeLabels')) {
      const bands = boxBands({ ...child, properties: { ...child.properties, className: ['node'] } }).map(([t, b]) => [t + at, b + at] as [number, number]);
      return bands.length === 0 || bands.some(inBand);
    }
    // An edge: the heights its path passes through.
    const childClasses = String(child.properties.class ?? child.properties.className ?? '');
    if (child.tagName === 'path' && childClasses.includes('flowchart-link')) {
      const numbers = (String(child.properties.d ?? '').match(/-?[\d.]+(?:e-?\d+)?/g) ?? []).map(Number);
      const ys = numbers.filter((_, i) => i % 2 === 1).map((n) => n + at + translateY(child));
      return ys.length === 0 || inBand([Math.min(...ys), Math.max(...ys)]);
    }
    return true;
  });
  return { ...node, children: children.map((c) => (c.type === 'element' ? cullOutside(c, at, from, to) : c)) };
}

/**
 * Where to cut a diagram of height `height` (from `top`) into slices no taller than `maxSlice`: each cut as low as it can be,
 * in a gap between boxes (never through a step or a label), or, where a box is taller than a slice, at the slice's limit.
 */
export function sliceCuts(top: number, height: number, maxSlice: number, bands: [number, number][]): number[] {
  const end = top + height;
  const cuts = [top];
  const margin = 4;
  const blocked = (y: number) => bands.find(([t, b]) => y > t - margin && y < b + margin);
  while (end - cuts.at(-1)! > maxSlice) {
    const start = cuts.at(-1)!;
    let y = start + maxSlice;
    for (let band = blocked(y); band && y > start + maxSlice / 3; band = blocked(y)) y = band[0] - margin - 0.5;
    cuts.push(y > start + maxSlice / 3 ? y : start + maxSlice);
  }
  cuts.push(end);
  return cuts;
}

/**
 * A diagram too tall to print legibly on one page (a long workflow: text under about 7 pt at the page's height) is also written
 * in slices for paper: copies of the drawing, each showing a band of it no taller than a page, cut between its boxes, with the
 * text at about 8.5 pt. Each copy has its own ids, so its arrowheads and styles are its own. The screen never shows them.
 */
function printSlices(svgText: string, width: number, height: number, top: number, left: number, bands: [number, number][]): Element[] {
  const fit = Math.min(PRINT.columnMm / width, PRINT.sliceMm / height);
  if (PRINT.fontPx * fit * PT_PER_MM >= PRINT.minPt) return [];
  const wanted = PRINT.targetPt / PT_PER_MM / PRINT.fontPx;
  // As many pages as the text size needs, then the largest size those pages hold, with room to cut between boxes.
  const room = PRINT.sliceMm * 0.85;
  const pages = Math.ceil((height * wanted) / room);
  const scale = Math.min(PRINT.columnMm / width, (pages * room) / height);
  const cuts = sliceCuts(top, height, PRINT.sliceMm / scale, bands);
  const id = /<svg\b[^>]*\sid="([^"]+)"/.exec(svgText)?.[1];
  return cuts.slice(0, -1).map((from, i) => {
    const to = cuts[i + 1]!;
    const own = id ? svgText.split(id).join(`${id}-print-${i + 1}`) : svgText;
    const slice = withAttributeNames(fromHtml(own, { fragment: true, space: 'svg' }).children.find((c) => c.type === 'element') as Element);
    const properties: Element['properties'] = { ...slice.properties, viewBox: `${left} ${from} ${width} ${to - from}` };
    for (const name of ['role', 'aria-roledescription', 'aria-describedby', 'aria-labelledby', 'width', 'height']) delete properties[name];
    properties.style = `width: ${(width * scale).toFixed(1)}mm; max-width: 100%; height: auto;`;
    properties.preserveAspectRatio = 'xMidYMin meet';
    const culled = cullOutside(slice, 0, from - 8, to + 8);
    return { ...culled, properties, children: culled.children.filter((c) => c.type !== 'element' || !['title', 'desc'].includes(c.tagName)) };
  });
}

function figure(key: string, diagram: RenderedDiagram, caption: string, words: FigureWords, n = 1): Element {
  const themed = themeSvg(diagram.svg);
  const svg = withAttributeNames(fromHtml(themed, { fragment: true, space: 'svg' }).children.find((c) => c.type === 'element') as Element);
  const id = `figure-${key.slice(0, 12)}${n > 1 ? `-${n}` : ''}`;
  // Wide diagrams keep a legible minimum width on phones and scroll; narrow ones just scale.
  const [left, top, width, height] = (/viewBox="([\d.-]+) ([\d.-]+) ([\d.]+) ([\d.]+)/.exec(diagram.svg) ?? []).slice(1).map(Number) as [
    number?,
    number?,
    number?,
    number?,
  ];
  // A tall one (a long workflow) prints on a page of its own, as large as the page allows, or in slices when that is too small.
  const tall = Boolean(width && height && height / width > 1.5);
  const slices = tall ? printSlices(themed, width!, height!, top ?? 0, left ?? 0, boxBands(svg)) : [];
  const classes = [
    ...(width && width > 600 ? ['diagram', 'diagram-wide'] : ['diagram']),
    ...(tall ? ['diagram-tall'] : []),
    ...(slices.length > 1 ? ['diagram-sliced'] : []),
  ];
  const e = (tagName: string, properties: Element['properties'], children: ElementContent[]): Element => ({ type: 'element', tagName, properties, children });
  // On a phone a wide diagram first fits the screen, whole; this button enlarges it to a legible size that scrolls sideways.
  const zoom = classes.includes('diagram-wide')
    ? [e('button', { type: 'button', className: ['diagram-zoom'], dataDiagramZoom: '', ariaPressed: 'false' }, [{ type: 'text', value: words.enlarge }])]
    : [];
  return e('figure', { className: classes, id }, [
    ...zoom,
    e('div', { className: ['diagram-scroll'], tabIndex: 0, role: 'group', ariaLabel: words.label.join(diagram.title ?? '') }, [svg]),
    ...(slices.length > 1 ? [e('div', { className: ['diagram-print'], ariaHidden: 'true', dataPagefindIgnore: '' }, slices)] : []),
    e('figcaption', {}, [{ type: 'text', value: caption }]),
    e('details', { className: ['diagram-text'] }, [
      e('summary', {}, [{ type: 'text', value: words.textDescription }]),
      e('p', {}, [{ type: 'text', value: diagram.description ?? '' }]),
    ]),
  ]);
}
