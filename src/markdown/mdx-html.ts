/**
 * Content bodies rendered to HTML by the content loader, not compiled into modules.
 *
 * Content is data (content-safety.ts): a body holds Markdown, GFM tables, citations, ```mermaid fences and plain HTML
 * elements, never an import, a component or an expression other than a read of its own frontmatter. Such a body needs no
 * JavaScript to render, so the loader parses it as MDX (the authoring format and its syntax stay exactly as they were) and
 * turns it into HTML at once, with the plugins of Astro's Markdown processor (content-plugins.ts). The page then prints
 * stored HTML: no body becomes a module for the bundler to compile, hold in memory and render, and Astro's content store keeps
 * each body's HTML between builds, keyed by the file and by everything the HTML depends on (see rendererKey).
 *
 * Any problem fails the build with the file, line and column: a parse error, a content-safety rule, an unknown citation.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUnifiedProcessor, rehypeHeadingIds, rehypeShiki, remarkCollectImages } from '@astrojs/markdown-remark';
import type { AstroConfig } from 'astro';
import { glob, type Loader, type LoaderContext } from 'astro/loaders';
import { h } from 'hastscript';
import type { Element, Root as HastRoot } from 'hast';
import type { Nodes, Root } from 'mdast';
import rehypeStringify from 'rehype-stringify';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { remarkSmartypantsWhereNeeded } from './remark-smartypants-where-needed.ts';
import { unified, type PluggableList, type Plugin } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import { FRONTMATTER_READ } from './content-safety.ts';
import { escapeHtml } from '../lib/escape-html.ts';
import { pageReuse } from '../build/page-reuse.ts';

/** What a content loader's render function is given by Astro's glob loader. */
interface EntryToRender {
  id: string;
  data: Record<string, unknown>;
  body?: string;
  filePath?: string;
  digest?: string | number;
}

/** Astro's description of a content file type; the glob loader renders with `getRenderFunction` when there is one. */
interface EntryType {
  getEntryInfo: (input: { contents: string; fileUrl: URL }) => Promise<{ data: Record<string, unknown>; body: string }>;
  getRenderFunction?: (config: AstroConfig) => Promise<(entry: EntryToRender) => Promise<unknown>>;
}

export interface MdxHtmlOptions {
  /** The collection's folder and the files in it, as for Astro's glob loader. */
  base: string;
  pattern: string;
  /** Files whose content the HTML depends on besides the entry's own (the references, the interface words): part of the key. */
  dependsOn: readonly string[];
}

/** A frontmatter field read by `{frontmatter.a.b}` or `{frontmatter.list[0]}`. */
function frontmatterValue(frontmatter: Record<string, unknown>, expression: string): string {
  const path = expression
    .trim()
    .replace(/^frontmatter/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '');
  let value: unknown = frontmatter;
  for (const key of path) value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  // As MDX prints them: a list's items one after the other.
  return value === undefined || value === null ? '' : Array.isArray(value) ? value.join('') : String(value);
}

/**
 * As MDX does (its remark-mark-and-unravel step): a paragraph that holds only HTML elements and expressions, with white space
 * between them, is not a paragraph; its elements stand on their own (`<div>` on a line of its own is not wrapped in `<p>`).
 */
function unravel(tree: Root): void {
  visit(tree, 'paragraph', (node, index, parent) => {
    if (!parent || index === undefined) return;
    const onlyElements =
      node.children.some((c) => c.type === 'mdxJsxTextElement' || c.type === 'mdxTextExpression') &&
      node.children.every((c) => c.type === 'mdxJsxTextElement' || c.type === 'mdxTextExpression' || (c.type === 'text' && /^\s*$/.test(c.value)));
    if (!onlyElements) return;
    const flow = node.children
      .filter((c) => c.type !== 'text')
      .map((c) => ({ ...c, type: c.type === 'mdxJsxTextElement' ? 'mdxJsxFlowElement' : 'mdxFlowExpression' }));
    parent.children.splice(index, 1, ...(flow as never[]));
    return index;
  });
}

/**
 * MDX nodes as plain Markdown ones, once content safety has run: a read of the frontmatter becomes its text, an HTML element
 * written in a body becomes that element with its (string) attributes.
 */
const remarkMdxToMarkdown: Plugin<[], Root> = () => (tree, file) => {
  const frontmatter = (file.data.astro as { frontmatter?: Record<string, unknown> } | undefined)?.frontmatter ?? {};
  unravel(tree);
  visit(tree, (node: Nodes, index, parent) => {
    if (node.type === 'mdxFlowExpression' || node.type === 'mdxTextExpression') {
      if (!parent || index === undefined) return;
      const text = { type: 'text' as const, value: FRONTMATTER_READ.test(node.value) ? frontmatterValue(frontmatter, node.value) : '', position: node.position };
      parent.children.splice(index, 1, (node.type === 'mdxFlowExpression' ? { type: 'paragraph', children: [text] } : text) as never);
      return [SKIP, index + 1];
    }
    if (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') {
      const attributes: Record<string, string | boolean> = {};
      for (const a of node.attributes) if (a.type === 'mdxJsxAttribute' && (a.value === null || typeof a.value === 'string')) attributes[a.name] = a.value ?? true;
      const element = h(node.name ?? 'div', attributes);
      node.data = { ...node.data, hName: element.tagName, hProperties: element.properties };
    }
    return undefined;
  });
};

/** YAML frontmatter at the very start of a file (after an optional byte-order mark), fences included. */
const FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n(?:[\s\S]*?\r?\n)?---[ \t]*(?=\r?\n|$)/;

/**
 * The file with its frontmatter as empty lines, so the body keeps its line numbers. The fields were parsed once already (Astro's
 * entry type, then the schema); this does not parse the YAML again.
 */
export function withoutFrontmatter(contents: string): string {
  const found = FRONTMATTER.exec(contents);
  return found ? found[0].replace(/[^\n]/g, '') + contents.slice(found[0].length) : contents;
}

/**
 * As Astro's own Markdown pipeline does (its rehype-images step): an image of the body that remark-collect-images found (a file
 * beside the entry, or an allowed remote one) is marked for Astro, which puts the optimised image in its place when the page
 * renders.
 */
const rehypeImageReferences: Plugin<[], HastRoot> = () => (tree, file) => {
  const astro = file.data.astro as { localImagePaths?: string[]; remoteImagePaths?: string[] } | undefined;
  const local = astro?.localImagePaths ?? [];
  const remote = astro?.remoteImagePaths ?? [];
  if (local.length === 0 && remote.length === 0) return;
  const seen = new Map<string, number>();
  visit(tree, 'element', (node: Element) => {
    if (node.tagName !== 'img' || typeof node.properties.src !== 'string') return;
    const src = decodeURI(node.properties.src);
    const isRemote = remote.includes(src);
    if (!local.includes(src) && !isRemote) return;
    const { className, htmlFor, ...rest } = node.properties;
    const index = seen.get(node.properties.src) ?? 0;
    seen.set(node.properties.src, index + 1);
    const inferSize = isRemote && !('width' in rest && 'height' in rest) ? { inferSize: true } : {};
    node.properties = {
      ...(className !== undefined ? { className } : {}),
      ...(htmlFor !== undefined ? { htmlFor } : {}),
      __ASTRO_IMAGE_: JSON.stringify({ ...inferSize, ...rest, src, index }),
    };
  });
};

/** A body's HTML and what the page needs from it. */
export interface RenderedBody {
  html: string;
  metadata: { headings: { depth: number; slug: string; text: string }[]; frontmatter: Record<string, unknown>; imagePaths: string[] };
}

/**
 * The remark and rehype plugins of the site's Markdown processor (`markdown.processor: unified({...})` in astro.config.mjs):
 * the very instances the integrations were built with, so a diagram rendered ahead by one is the one the other waits for.
 */
export function configuredPlugins(config: Pick<AstroConfig, 'markdown'>): { remarkPlugins: PluggableList; rehypePlugins: PluggableList } {
  const processor = (config.markdown as { processor?: { name: string } }).processor;
  if (!processor || !isUnifiedProcessor(processor))
    throw new Error('mdx-html: the content bodies are rendered with the unified Markdown processor; set markdown.processor: unified({...}) in astro.config.mjs');
  // Astro's plugin lists also allow plugins named by package; this project gives them as functions (content-plugins.ts).
  const { remarkPlugins, rehypePlugins } = processor.options as unknown as { remarkPlugins: PluggableList; rehypePlugins: PluggableList };
  return { remarkPlugins, rehypePlugins };
}

/** Renders one MDX body to HTML; `file` is the whole file as written, so positions in messages are the file's own. */
export function mdxHtmlRenderer(config: Pick<AstroConfig, 'markdown'> & Partial<Pick<AstroConfig, 'image'>>) {
  const { remarkPlugins, rehypePlugins } = configuredPlugins(config);
  const highlight = config.markdown.syntaxHighlight;
  const shiki = highlight && (typeof highlight === 'string' ? highlight : highlight.type) === 'shiki';
  const processor = unified()
    .use(remarkParse)
    .use(remarkMdx)
    .use(remarkSmartypantsWhereNeeded)
    .use(remarkPlugins)
    .use(remarkMdxToMarkdown)
    // Astro's image settings: which remote images may be optimised.
    .use(remarkCollectImages, config.image as Parameters<typeof remarkCollectImages>[0])
    .use(remarkRehype)
    .use(shiki ? [[rehypeShiki, config.markdown.shikiConfig, typeof highlight === 'object' ? highlight.excludeLangs : undefined]] : [])
    .use(rehypePlugins)
    .use(rehypeImageReferences)
    .use(rehypeHeadingIds)
    .use(rehypeStringify);
  return async (path: string, contents: string, frontmatter: Record<string, unknown>): Promise<RenderedBody> => {
    const content = withoutFrontmatter(contents);
    const file = new VFile({ value: content, path, data: { astro: { frontmatter } } });
    const tree = processor.parse(file);
    const html = processor.stringify((await processor.run(tree, file)) as never, file);
    const astro = file.data.astro as { headings?: RenderedBody['metadata']['headings']; localImagePaths?: string[]; remoteImagePaths?: string[] };
    const imagePaths = [...(astro.localImagePaths ?? []), ...(astro.remoteImagePaths ?? [])];
    return { html: String(html), metadata: { headings: astro.headings ?? [], frontmatter, imagePaths } };
  };
}

/** "content/faq/x.mdx:12:3  reason" for a problem a plugin or the parser reported at a place. */
export function bodyError(path: string, error: unknown): Error {
  const e = error as { reason?: string; message?: string; line?: number; column?: number; place?: { line?: number; column?: number; start?: { line: number; column: number } } };
  const line = e.line ?? e.place?.start?.line ?? e.place?.line;
  const column = e.column ?? e.place?.start?.column ?? e.place?.column;
  const where = `${relative(process.cwd(), path)}${line ? `:${line}:${column ?? 1}` : ''}`;
  const message = `${where}  ${e.reason ?? e.message ?? String(error)}`;
  const failure = new Error(message);
  // The message is the whole report: a stack would bury the file and line.
  failure.stack = message;
  return failure;
}

/** Every file under a folder, sorted (for the key). */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
      .sort();
  } catch {
    return [];
  }
}

/**
 * What a body's HTML depends on besides its own file: the generator's code (all of `src/`: the plugins and what they import),
 * the files named in `dependsOn` and the versions of the packages that parse and highlight. Part of every entry's digest, so
 * Astro's store keeps a body's HTML only while all of them are unchanged; computed once per build.
 */
export function computeRendererKey(root: string, srcDir: string, dependsOn: readonly string[]): string {
  const hash = createHash('sha256');
  // The lockfile pins every package that parses, renders or highlights; astro.config.mjs chooses the plugins.
  for (const file of [...filesUnder(srcDir), ...dependsOn, join(root, 'package-lock.json'), join(root, 'astro.config.mjs')]) {
    hash.update(file);
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update('(none)');
    }
  }
  for (const name of ['astro', '@astrojs/markdown-remark', 'remark-mdx', 'remark-gfm', 'remark-smartypants', 'shiki', 'mermaid'])
    try {
      hash.update(`${name}@${(JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`);
    } catch {
      hash.update(`${name}@?`);
    }
  return hash.digest('hex').slice(0, 16);
}

const keys = new Map<string, string>();
/** computeRendererKey, once per build. */
export function rendererKey(root: string, srcDir: string, dependsOn: readonly string[]): string {
  const id = [root, srcDir, ...dependsOn].join('\n');
  if (!keys.has(id)) keys.set(id, computeRendererKey(root, srcDir, dependsOn));
  return keys.get(id)!;
}

/** Each file's frontmatter as the last load of its collection parsed it, by its address, text and the renderer's key. */
const lastEntryInfo = new Map<string, Map<string, Awaited<ReturnType<EntryType['getEntryInfo']>>>>();

/**
 * Astro's glob loader for one collection's MDX files (ids, digests, duplicate checks, the dev server's file watching), with the
 * bodies rendered to HTML as they are loaded instead of left to the bundler. A body that fails to render fails the build.
 */
export function mdxHtml(options: MdxHtmlOptions): Loader {
  const inner = glob({ pattern: options.pattern, base: options.base });
  return {
    name: 'mdx-html',
    load: async (context: LoaderContext) => {
      const entryTypes = (context as LoaderContext & { entryTypes?: Map<string, EntryType> }).entryTypes;
      const mdx = entryTypes?.get('.mdx');
      if (!entryTypes || !mdx) throw new Error('mdx-html: Astro gave the content loader no entry type for .mdx files (is @astrojs/mdx in the integrations?)');
      const root = fileURLToPath(context.config.root);
      const key = rendererKey(root, fileURLToPath(context.config.srcDir), options.dependsOn);
      // A store kept from a build of another folder (another center, or a copy of this one, built with the same caches) holds
      // entries whose files are there: Astro's glob loader takes an entry of the same id here for a duplicate of that one while
      // its file exists, and fails the build. Entries of files outside this collection's folder are dropped first.
      const base = resolve(root, options.base) + sep;
      for (const [id, entry] of context.store.entries()) if (entry.filePath && !resolve(root, entry.filePath).startsWith(base)) context.store.delete(id);
      const render = mdxHtmlRenderer(context.config);
      const failures: Error[] = [];
      // Astro's own duplicate-id rule compares with entries already stored; two new files with one id render at the same time,
      // before either is stored, so the ids rendered in this load are compared here.
      const rendered = new Map<string, string>();
      const failed: string[] = [];
      // Astro's glob loader parses every file's frontmatter on every load, and of a file whose text (and so digest) is unchanged
      // uses it only for the id. The watch's runner, which loads again for each build (page-reuse.ts), takes what the last load
      // parsed of the same text; a file whose text changed is parsed again. Only the last load's files are kept.
      const watching = pageReuse() !== undefined;
      const kept = lastEntryInfo.get(options.base) ?? new Map();
      const parsed = new Map<string, Awaited<ReturnType<EntryType['getEntryInfo']>>>();
      lastEntryInfo.set(options.base, parsed);
      const asHtml: EntryType = {
        getEntryInfo: async (input) => {
          if (!watching) return mdx.getEntryInfo(input);
          const at = `${key}\n${input.fileUrl.href}\n${input.contents}`;
          const info = kept.get(at) ?? (await mdx.getEntryInfo(input));
          parsed.set(at, info);
          return info;
        },
        getRenderFunction: async () => async (entry: EntryToRender) => {
          const path = entry.filePath!;
          const other = rendered.get(entry.id);
          if (other !== undefined && other !== path && !context.watcher)
            failures.push(
              new Error(
                `${context.collection}: two files give the same slug: \`${entry.id}\` (${relative(process.cwd(), other)} and ${relative(process.cwd(), path)}); rename one of them.`,
              ),
            );
          rendered.set(entry.id, path);
          try {
            return await render(path, await readFile(path, 'utf8'), entry.data);
          } catch (error) {
            const failure = bodyError(path, error);
            // The dev server shows the problem on the page itself, until the file (or what it depends on) is fixed.
            if (context.watcher) {
              context.logger.error(failure.message);
              return { html: `<div class="content-error" role="alert"><p><strong>This text could not be rendered.</strong></p><pre>${escapeHtml(failure.message)}</pre></div>`, metadata: { headings: [], frontmatter: entry.data, imagePaths: [] } };
            }
            failures.push(failure);
            failed.push(entry.id);
            throw failure;
          }
        },
      };
      await inner.load({
        ...context,
        // The glob loader's digest is the file's text; the key adds what else the HTML depends on.
        generateDigest: (data: Record<string, unknown> | string) => context.generateDigest(typeof data === 'string' ? `${key}\n${data}` : data),
        entryTypes: new Map([...entryTypes, ['.mdx', asHtml]]),
      } as LoaderContext);
      if (failures.length > 0 && !context.watcher) {
        // Astro's glob loader stores an entry whose render failed, without HTML: gone from the store, it is rendered next time.
        for (const id of failed) context.store.delete(id);
        const failure = new Error(failures.map((f) => f.message).join('\n'));
        failure.stack = failure.message;
        throw failure;
      }
    },
  };
}
