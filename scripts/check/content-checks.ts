/**
 * The content checks behind `npm run check` and the start of every build:
 * they read `content/` the way an editor wrote it and report each problem as
 * `file:line:col  rule-id  message` with a hint. See CONTRIBUTING.md for the
 * rules and an example of each message.
 */
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import GithubSlugger, { slug as githubSlug } from 'github-slugger';
import type { Heading, Image, Link, Root, RootContent, Text } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkGfm from 'remark-gfm';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { load as loadYaml, YAMLException } from 'js-yaml';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { scanCitations } from '../../src/markdown/citation-syntax.ts';
import { diagramCacheKey, readCachedDiagram } from '../../src/markdown/diagram-cache.ts';
import { renderMissing } from '../../src/markdown/diagram-render.ts';
import { compareVersions, fingerprint, protocolText, readSnapshot, snapshotFile, VERSIONS_DIR } from '../../src/lib/protocol-versions.ts';
import { ReferenceSchema } from '../../src/schemas/reference.ts';
import { VocabularySchema } from '../../src/schemas/vocabulary.ts';
import {
  CONTENT_FILES,
  DIAGRAM_CACHE_FOLDER,
  ENTRY_GLOB,
  INTRO_ROUTES,
  isEntryFile,
  MDX_COLLECTIONS,
  presentSections,
  REQUIRED_SITE_TEXTS,
  SECTION_INTROS,
  unreadFiles,
  type UnreadFile,
} from '../../src/content-model.ts';
import { routes as siteRoutes } from '../../src/lib/routes.ts';
import { bundleName, siteConfigProblems, loadSiteConfig } from '../../src/lib/site-config.ts';
import { unknownUiKeys } from '../../src/i18n/ui.ts';
import type { SiteConfig } from '../../src/schemas/site-config.ts';
import { findHeadlessBrowser } from '../../src/lib/find-browser.ts';
import type { Finding } from './report.ts';
import { mermaidLinkProblems, safetyProblems } from '../../src/markdown/content-safety.ts';
import { decodeContent } from '../../src/lib/text-encoding.ts';
import { issuePath, YamlPositions } from '../../src/lib/yaml-place.ts';

/** One parser for every body: building a processor per file cost more than parsing on large sites. */
const mdxParser = unified().use(remarkParse).use(remarkMdx).use(remarkGfm).freeze();

/** Pages and files the center will have whatever its entries say: the fixed pages, and the index of each section with content. */
function fixedRoutes(contentDir: string, config: SiteConfig | undefined): Record<string, string[]> {
  const present = presentSections(contentDir);
  return {
    '/': ['main', 'overview', 'topics', 'sections', 'disclaimer', 'disclaimer-heading', 'how-to-cite', 'references'],
    '/references/': ['main'],
    '/favicon.svg': [],
    ...(config ? { [siteRoutes.offlineBundle(bundleName(config))]: [] } : {}),
    ...(present.has('faq') ? { [siteRoutes.faqIndex()]: ['main'] } : {}),
    ...(present.has('troubleshooting') ? { [siteRoutes.guides()]: ['main'] } : {}),
    ...(present.has('protocols') ? { [siteRoutes.protocols()]: ['main'], [siteRoutes.allProtocolsPdf()]: [] } : {}),
    ...(present.has('data') ? { [siteRoutes.data()]: ['main', 'references'] } : {}),
    ...(config?.doseResponse.enabled !== false ? { [siteRoutes.ic50Calculator()]: ['main'] } : {}),
  };
}

/** Unit spellings that differ from the site's, what to write instead, and why. */
const UNIT_RULES: { pattern: RegExp; fix: string }[] = [
  { pattern: /\d+(?:[.,]\d+)?\s*(?:ug|mcg)\s*\/\s*m[lL]\b/, fix: 'write micrograms per millilitre as "µg/mL" (micro sign, capital L)' },
  { pattern: /\u03bcg/, fix: 'use the micro sign µ (U+00B5), not the Greek letter μ (U+03BC), as in "µg/mL"' },
  { pattern: /µg\/ml\b/, fix: 'write "µg/mL" with a capital L' },
  { pattern: /\d+(?:[.,]\d+)?(?:\s?[oº]\s?|\s|°)C\b/, fix: 'write temperatures as "4 °C": a space, the degree sign, C' },
  { pattern: /\d+(?:[.,]\d+)?\s?(?:deg|degrees)\s?C\b/i, fix: 'write temperatures as "4 °C"' },
];

type Place = { line: number; column: number };

interface ParsedFile {
  path: string;
  display: string;
  text: string;
  /** Lines before the body starts. */
  bodyOffset: number;
  body: string;
  /** The YAML between the --- lines. */
  frontmatter: string;
  /** The frontmatter as a YAML document with source positions, parsed only when a message needs a line. */
  positions?: { doc: Document; lines: LineCounter };
  /** The frontmatter as parsed, before the schema; set once it passed the schema. */
  raw?: unknown;
  data?: Record<string, unknown>;
  /** Route of the page the entry renders on. */
  route?: string;
  slug: string;
}

export interface CheckOptions {
  /** Parse changed diagrams in a browser (default). The build passes false: its diagram plugin parses them anyway. */
  diagrams?: boolean;
  /** Paths in messages are relative to this folder. */
  cwd?: string;
  /** The bodies parsed by the last checks of a watch, kept for the next ones (the build's `--watch`). */
  bodies?: ParsedBodies | undefined;
}

/**
 * Bodies' text kept parsed beyond this many characters: a tree takes about 11 bytes of memory a character of its body, so this
 * is about 90 MB; the bodies of 1,000 protocols fit, of 10,000 only part.
 */
const PARSED_BODIES_LIMIT = 8 * 1024 * 1024;

/**
 * The MDX bodies parsed by one run of the checks, for the next: a body of the same text is not parsed again (its tree, or the
 * syntax error it raised). Parsing is more than half of the checks' time, and between two builds of a watch most bodies are
 * unchanged. The checks only read the trees. Each run keeps only its own bodies.
 */
export class ParsedBodies {
  private kept = new Map<string, Root | Error>();
  private next = new Map<string, Root | Error>();
  private size = 0;
  /** Bodies of the last run taken as they were parsed then. */
  reused = 0;

  parse(body: string, parse: (body: string) => Root): Root {
    let result = this.next.get(body) ?? this.kept.get(body);
    if (result === undefined) {
      try {
        result = parse(body);
      } catch (error) {
        result = error as Error;
      }
    } else if (!this.next.has(body)) this.reused++;
    if (!this.next.has(body) && this.size + body.length <= PARSED_BODIES_LIMIT) {
      this.next.set(body, result);
      this.size += body.length;
    }
    if (result instanceof Error) throw result;
    return result;
  }

  /** The end of a run: its bodies are the ones kept for the next. */
  finish(): void {
    this.kept = this.next;
    this.next = new Map();
    this.size = 0;
  }

  /** The start of a run. */
  begin(): void {
    this.next = new Map();
    this.size = 0;
    this.reused = 0;
  }
}

/** The page address of a file, by the rule Astro's glob loader gives entries their ids (github-slugger per path segment). */
const slugOf = (file: string) => githubSlug(file.replace(/\.mdx$/, ''));

function lineOf(lines: LineCounter, offset: number): { line: number; column: number } {
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Line and column of the YAML node at `path`, else of its nearest existing parent. */
function placeOf(file: ParsedFile, path: readonly PropertyKey[]): { line: number; column: number } {
  if (!file.positions) {
    const lines = new LineCounter();
    file.positions = { doc: parseDocument(file.frontmatter, { lineCounter: lines }), lines };
  }
  const { doc, lines } = file.positions;
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      const { line, column } = lineOf(lines, node.range[0]);
      return { line: line + 1, column };
    }
  }
  return { line: 2, column: 1 };
}

/** Every string in the parsed frontmatter with its path. */
function frontmatterStrings(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => frontmatterStrings(item, [...path, i]));
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.entries(value).flatMap(([k, v]) => frontmatterStrings(v, [...path, k]));
  return [];
}

const SECTION_FOLDERS = Object.values(MDX_COLLECTIONS).map((c) => `${c.folder}/`);
const andList = (items: readonly string[]) => `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** What a file no loader reads is, and what to do with it. */
function unreadMessage({ path, reason, folder }: UnreadFile): { message: string; hint: string } {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const stem = name.replace(/\.[^.]*$/, '');
  const elsewhere = 'or move it out of the content folder';
  switch (reason) {
    case 'top': {
      const meant = Object.values(CONTENT_FILES).find((f) => f.replace(/\.yaml$/, '') === stem.toLowerCase());
      return {
        message: `"${name}" is not read: the top of a content folder holds ${andList(Object.values(CONTENT_FILES))}`,
        hint: meant
          ? `Rename it to ${meant}.`
          : name.endsWith('.mdx')
            ? `Move it into its section's folder (${andList(SECTION_FOLDERS)}), ${elsewhere}.`
            : `Move it out of the content folder (a README or LICENSE may stay).`,
      };
    }
    case 'folder':
      return {
        message: `"${path}" is not read: ${path.slice(0, path.indexOf('/'))}/ is not a folder the site is built from`,
        hint: `Entries go in ${andList(SECTION_FOLDERS)}: move the file there, ${elsewhere}.`,
      };
    case 'not-entry':
      return name.startsWith('.')
        ? {
            message: `"${name}" is not read: ${folder}/ entries are its ${ENTRY_GLOB} files, and a name that starts with a dot is hidden`,
            hint: `Rename it to ${name.replace(/^\.+/, '')} to publish it, ${elsewhere}.`,
          }
        : {
            message: `"${name}" is not read: ${folder}/ entries are its ${ENTRY_GLOB} files`,
            hint: /\.(md|markdown|txt)$/i.test(name)
              ? `Rename it to ${stem}.mdx to publish it, ${elsewhere}.`
              : `Only entries, and images they show, belong in ${folder}/: move it out of the content folder.`,
          };
    case 'subfolder':
      return {
        message: `"${path}" is not read: ${folder}/ entries are the ${ENTRY_GLOB} files in ${folder}/ itself, not in a folder under it`,
        hint: isEntryFile(name) ? `Move it to ${folder}/${name} (the file name is the page address), ${elsewhere}.` : `Move it out of the content folder.`,
      };
    case 'site-text':
      return {
        message: `"${name}" is not a site text that any page shows`,
        hint: `${folder}/ holds ${andList(REQUIRED_SITE_TEXTS)}, and the section intros ${andList(SECTION_INTROS)}: rename it to one of them, ${elsewhere}.`,
      };
    case 'archive':
      return {
        message: `"${path}" is not read: archived versions are ${MDX_COLLECTIONS.protocols.folder}/${VERSIONS_DIR}/<slug>/<version>.yaml`,
        hint: `npm run new -- version <slug> archives a protocol's text; move anything else out of the content folder.`,
      };
  }
}

/** Runs every content check over `contentDir`. Errors and warnings come back sorted by file and line. */
export async function checkContent(contentDir: string, options: CheckOptions = {}): Promise<Finding[]> {
  const cwd = options.cwd ?? process.cwd();
  const findings: Finding[] = [];
  options.bodies?.begin();
  /** `place` may be a function, for places that cost a parse to find and are needed only when something is wrong. */
  const report = (file: string, place: Place | (() => Place), rule: string, message: string, hint: string, severity: Finding['severity'] = 'error') => {
    const { line, column } = typeof place === 'function' ? place() : place;
    findings.push({ file: relative(cwd, file) || file, line, column, rule, severity, message, hint });
  };

  const contentRoot = existsSync(contentDir) ? realpathSync(contentDir) : resolve(contentDir);
  /** Whether a file, links followed, lies in the content folder. */
  const insideContent = (path: string) => {
    const real = realpathSync(path);
    return real === contentRoot || real.startsWith(contentRoot + sep);
  };
  const reportOutside = (path: string, name: string) =>
    report(
      path,
      { line: 1, column: 1 },
      'content-outside',
      `"${name}" is a link to a file outside the content folder`,
      'Copy the file into the content folder instead of linking to it.',
    );
  // The YAML files are text too: a bad byte is reported where it is, before a parser turns it into U+FFFD.
  for (const name of Object.values(CONTENT_FILES)) {
    const path = join(contentDir, name);
    if (!existsSync(path)) continue;
    if (!insideContent(path)) reportOutside(path, name);
    const decoded = decodeContent(readFileSync(path));
    if (decoded.problem) report(path, decoded.problem, 'encoding', decoded.problem.message, 'Save the file as UTF-8 text (µ, °, ± and ₂ need it).');
  }

  // site.yaml first: the center's topics and sections shape the other checks.
  let config: SiteConfig | undefined;
  const configProblems = siteConfigProblems(contentDir, cwd);
  for (const p of configProblems)
    report(
      join(contentDir, CONTENT_FILES.site),
      { line: p.line, column: p.column },
      'site-config',
      p.message,
      'See "site.yaml" in CONTRIBUTING.md for the fields.',
    );
  if (configProblems.length === 0) {
    config = loadSiteConfig(contentDir);
    const uiKeys = unknownUiKeys(config.ui);
    if (uiKeys.length > 0)
      report(
        join(contentDir, CONTENT_FILES.site),
        { line: 1, column: 1 },
        'site-config',
        `ui: unknown key${uiKeys.length === 1 ? '' : 's'} ${uiKeys.map((k) => `"${k}"`).join(', ')}`,
        'Use the keys of src/i18n/en.ts.',
      );
  }
  const topicIds = new Set(config?.topics.map((t) => t.id) ?? []);

  // References next: every other check needs the ids.
  const refFile = join(contentDir, CONTENT_FILES.references);
  const refLines = new LineCounter();
  const refIds = new Map<string, { line: number }>();
  if (!existsSync(refFile)) {
    report(
      refFile,
      { line: 1, column: 1 },
      'missing-file',
      'references.yaml is missing from the content folder.',
      'Every center needs its reference list; write "[]" if it has none yet.',
    );
  } else {
    const refDoc = parseDocument(readFileSync(refFile, 'utf8'), { lineCounter: refLines });
    for (const e of refDoc.errors)
      report(refFile, { line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col ?? 1 }, 'yaml', e.message, 'Fix the YAML syntax.');
    const numbers = new Map<number, string>();
    if (isSeq(refDoc.contents)) {
      refDoc.contents.items.forEach((item, i) => {
        const place = isMap(item) && item.range ? lineOf(refLines, item.range[0]) : { line: 1, column: 1 };
        const raw = (item as { toJSON(): unknown }).toJSON();
        const parsed = ReferenceSchema.safeParse(raw);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            const path = issuePath(issue);
            // The field's own line, not the entry's.
            const node = isMap(item) ? (item.getIn(path as (string | number)[], true) as { range?: [number, number, number] } | undefined) : undefined;
            report(
              refFile,
              node?.range ? lineOf(refLines, node.range[0]) : place,
              'schema',
              `reference ${i + 1}, field "${path.join('.') || '(entry)'}": ${issue.message}`,
              'See src/schemas/reference.ts for the fields.',
            );
          }
          // Its id still counts as known, so the places that cite it are not reported as citing an unknown reference too.
          const id = (raw as { id?: unknown } | null)?.id;
          if (typeof id === 'string' && !refIds.has(id)) refIds.set(id, { line: place.line });
          return;
        }
        const { id, number } = parsed.data;
        if (refIds.has(id))
          report(
            refFile,
            place,
            'reference-duplicate',
            `duplicate reference id "${id}" (first on line ${refIds.get(id)!.line})`,
            'Give each reference its own id.',
          );
        else refIds.set(id, { line: place.line });
        if (numbers.has(number))
          report(
            refFile,
            place,
            'reference-duplicate',
            `reference number ${number} is also used by "${numbers.get(number)}"`,
            'Number references 1, 2, 3… without gaps or repeats.',
          );
        numbers.set(number, id);
      });
    }
  }
  const vocabularyFile = join(contentDir, CONTENT_FILES.vocabulary);
  if (existsSync(vocabularyFile)) {
    const positions = new YamlPositions(readFileSync(vocabularyFile, 'utf8'));
    const parsed = VocabularySchema.safeParse(positions.doc.toJSON());
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const path = issuePath(issue);
        report(vocabularyFile, positions.placeOf(path), 'schema', `field "${path.join('.')}": ${issue.message}`, 'See src/schemas/vocabulary.ts.');
      }
  }

  // Read and parse every MDX file.
  const files: ParsedFile[] = [];
  for (const { folder, schema, route } of Object.values(MDX_COLLECTIONS)) {
    const dir = join(contentDir, folder);
    if (!existsSync(dir)) {
      if (folder === MDX_COLLECTIONS.site.folder)
        report(
          dir,
          { line: 1, column: 1 },
          'missing-file',
          'the site/ folder is missing',
          `Every center needs ${REQUIRED_SITE_TEXTS.map((t) => `site/${t}.mdx`).join(', ')}.`,
        );
      continue;
    }
    if (folder === MDX_COLLECTIONS.site.folder)
      for (const text of REQUIRED_SITE_TEXTS)
        if (!existsSync(join(dir, `${text}.mdx`)))
          report(
            join(dir, `${text}.mdx`),
            { line: 1, column: 1 },
            'missing-file',
            `site/${text}.mdx is missing`,
            'Every center needs the overview, how to cite and the disclaimer; see npm run new -- center.',
          );
    const seen = new Map<string, string>();
    for (const name of readdirSync(dir).filter(isEntryFile).sort()) {
      const path = join(dir, name);
      const slug = slugOf(name);
      if (seen.has(slug)) {
        report(
          path,
          { line: 1, column: 1 },
          'slug-duplicate',
          `"${name}" has the same slug "${slug}" as "${seen.get(slug)}"`,
          'Rename one of the files; the file name is the page address.',
        );
        continue;
      }
      seen.set(slug, name);
      if (!insideContent(path)) {
        reportOutside(path, name);
        continue;
      }
      const decoded = decodeContent(readFileSync(path));
      if (decoded.problem) {
        report(path, decoded.problem, 'encoding', decoded.problem.message, 'Save the file as UTF-8 text (µ, °, ± and ₂ need it).');
        continue;
      }
      const text = decoded.text;
      if (text.trim() === '') {
        report(
          path,
          { line: 1, column: 1 },
          'empty-file',
          'the file is empty',
          `Delete it, or scaffold an entry with npm run new -- ${folder === 'protocols' ? 'protocol' : folder} "Title".`,
        );
        continue;
      }
      const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
      if (!match) {
        report(
          path,
          { line: 1, column: 1 },
          'frontmatter',
          'no frontmatter: the file must start with a --- block of YAML fields',
          'Add the fields between --- lines; see npm run new.',
        );
        continue;
      }
      const file: ParsedFile = {
        path,
        display: relative(cwd, path),
        text,
        bodyOffset: match[0].split('\n').length - 1,
        body: text.slice(match[0].length),
        frontmatter: match[1]!,
        slug,
        route: folder === MDX_COLLECTIONS.site.folder ? ((INTRO_ROUTES as Record<string, string>)[slug] ?? route(slug)) : route(slug),
      };
      files.push(file);
      // The parser Astro reads frontmatter with, so the checks see the same values as the build.
      let data: unknown;
      try {
        // Empty frontmatter is an empty object to Astro, so the schema names the missing fields.
        data = loadYaml(file.frontmatter) ?? {};
      } catch (error) {
        if (!(error instanceof YAMLException)) throw error;
        // The yaml package places syntax errors more precisely; js-yaml's own place is the fallback.
        const precise = parseDocument(file.frontmatter, { prettyErrors: true }).errors[0];
        report(
          path,
          precise?.linePos
            ? { line: precise.linePos[0].line + 1, column: precise.linePos[0].col }
            : { line: (error.mark?.line ?? 0) + 2, column: (error.mark?.column ?? 0) + 1 },
          'yaml',
          precise ? precise.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') : error.reason,
          'Fix the YAML: quote text that contains ": " or starts with a special character.',
        );
        continue;
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const isStepless = folder === 'protocols' && issue.path[0] === 'steps' && issue.path.length <= 1;
          const at = issuePath(issue);
          report(
            path,
            placeOf(file, at),
            isStepless ? 'protocol-no-steps' : 'schema',
            isStepless ? 'a protocol needs at least one step' : `field "${at.join('.') || '(frontmatter)'}": ${issue.message}`,
            isStepless
              ? 'Add steps: [{ id, title, text }] (see npm run new -- protocol).'
              : `See src/schemas/ for the field; ${folder} entries are described in CONTRIBUTING.md.`,
          );
        }
        continue;
      }
      file.data = parsed.data as Record<string, unknown>;
      file.raw = data;
      if (folder === MDX_COLLECTIONS.faq.folder && config)
        ((file.data.topics as string[] | undefined) ?? []).forEach((topic, i) => {
          if (!topicIds.has(topic))
            report(
              path,
              placeOf(file, ['topics', i]),
              'faq-topic-unknown',
              `unknown topic "${topic}"`,
              topicIds.size > 0 ? `Use one of the topics in site.yaml: ${[...topicIds].join(', ')}.` : 'Add the topic to the topics list of site.yaml.',
            );
        });
    }
  }

  // Every other file: no loader reads it, so it would be left out of the site without a word.
  for (const file of unreadFiles(contentDir)) {
    const { message, hint } = unreadMessage(file);
    report(join(contentDir, file.path), { line: 1, column: 1 }, 'unread-file', message, hint);
  }

  // The pages and anchors the site will have, for link checks.
  const routes = new Map<string, Set<string>>(Object.entries(fixedRoutes(contentDir, config)).map(([r, a]) => [r, new Set(a)]));
  const addAnchors = (route: string, anchors: Iterable<string>) => {
    const set = routes.get(route) ?? new Set<string>(['main']);
    for (const a of anchors) set.add(a);
    routes.set(route, set);
  };
  for (const id of refIds.keys()) addAnchors('/references/', [`ref-${id}`]);
  const bodies = new Map<ParsedFile, Root>();
  for (const file of files) {
    let tree: Root;
    try {
      tree = options.bodies ? options.bodies.parse(file.body, (body) => mdxParser.parse(body)) : mdxParser.parse(file.body);
    } catch (error) {
      const e = error as { line?: number; column?: number; reason?: string; message: string };
      report(
        file.path,
        { line: (e.line ?? 1) + file.bodyOffset, column: e.column ?? 1 },
        'mdx-syntax',
        e.reason ?? e.message,
        'Check the MDX: braces and < start JSX; write &lt; or escape them as \\{ \\}.',
      );
      continue;
    }
    bodies.set(file, tree);
    if (!file.route) continue;
    const slugger = new GithubSlugger();
    const anchors = ['references', ...[...refIds.keys()].map((id) => `ref-${id}`)];
    visit(tree, 'heading', (h: Heading) => void anchors.push(slugger.slug(toString(h))));
    const seenCites = new Map<string, number>();
    for (const group of scanCitations(file.body))
      for (const id of group.ids) {
        const k = (seenCites.get(id) ?? 0) + 1;
        seenCites.set(id, k);
        anchors.push(`cite-${id}-${k}`);
      }
    const data = file.data ?? {};
    if (file.route.startsWith('/protocols/')) {
      anchors.push('objective', 'materials', 'methodology', ...((data.steps as { id: string }[] | undefined) ?? []).map((s) => s.id));
      routes.set(`/pdf/${file.slug}.pdf`, new Set());
    }
    if (file.route.startsWith('/troubleshooting/')) anchors.push(...((data.problems as { id: string }[] | undefined) ?? []).map((p) => p.id));
    if (file.route === '/data/') {
      anchors.push(file.slug);
      routes.set(`/data/${file.slug}.csv`, new Set());
    }
    addAnchors(file.route, anchors);
  }

  // A protocol's versions: in order, the newest this text, each archived, and no change without a new version.
  for (const file of files) {
    if (!file.route?.startsWith('/protocols/') || !file.data) continue;
    const data = file.data as { version: string; history?: { version: string }[] };
    const protocolsDir = dirname(file.path);
    const history = data.history ?? [];
    history.forEach((entry, i) => {
      const before = history[i - 1];
      if (before && compareVersions(entry.version, before.version) <= 0)
        report(
          file.path,
          () => placeOf(file, ['history', i, 'version']),
          'version-order',
          `version ${entry.version} does not come after ${before.version}`,
          'List the versions oldest first, each higher than the one before.',
        );
      const archive = snapshotFile(protocolsDir, file.slug, entry.version);
      if (!existsSync(archive))
        report(
          file.path,
          () => placeOf(file, ['history', i]),
          'version-archive',
          `version ${entry.version} is not archived: ${relative(cwd, archive)} is missing`,
          `npm run new -- version ${file.slug} archives the current text; an earlier text must be restored from your records.`,
        );
    });
    const newest = history[history.length - 1];
    if (newest && newest.version !== data.version)
      report(
        file.path,
        () => placeOf(file, ['version']),
        'version-history',
        `version is "${data.version}" but the newest entry of the history is "${newest.version}"`,
        'The last entry of the history is this text: give it the same version.',
      );
    const archived = readSnapshot(protocolsDir, file.slug, data.version);
    if (archived && fingerprint(archived) !== fingerprint(protocolText(file.data)))
      report(
        file.path,
        () => placeOf(file, ['version']),
        'version-not-bumped',
        `the protocol changed since version ${data.version} was archived, but its version was not bumped`,
        `Record the change: npm run new -- version ${file.slug} "what changed" (it bumps the version, adds the history entry and archives the text).`,
      );
  }

  // Per-file checks on the frontmatter strings and the body.
  const cited = new Set<string>();
  const diagrams: { file: ParsedFile; line: number; code: string }[] = [];
  const checkText = (file: ParsedFile, value: string, place: Place | (() => Place)) => {
    for (const group of scanCitations(value)) {
      for (const bad of group.malformed)
        report(file.path, place, 'citation-malformed', `malformed citation "${bad}"`, 'Write [@id] or [@id1; @id2] with ids from references.yaml.');
      for (const id of group.ids) {
        cited.add(id);
        if (!refIds.has(id))
          report(file.path, place, 'citation-unknown', `unknown reference id "${id}"`, 'Use an id from references.yaml, or add the reference there.');
      }
    }
    for (const rule of UNIT_RULES) {
      const m = rule.pattern.exec(value);
      if (m) report(file.path, place, 'unit-inconsistent', `"${m[0].trim()}" is written differently from the rest of the site`, rule.fix);
    }
  };
  const checkLink = (file: ParsedFile, url: string, place: { line: number; column: number }) => {
    if (!file.route || /^(https?:|mailto:)/.test(url)) return;
    const [path, hash] = url.split('#');
    const target = path === '' ? file.route : path!;
    if (!target.startsWith('/')) return;
    const anchors = routes.get(target);
    if (!anchors) {
      report(
        file.path,
        place,
        'link-broken',
        `link to "${url}": no page or file "${target}"`,
        `Link to an existing page, e.g. ${[...routes.keys()]
          .filter((r) => r.endsWith('/'))
          .slice(0, 4)
          .join(', ')}.`,
      );
    } else if (hash && !anchors.has(hash)) {
      report(
        file.path,
        place,
        'anchor-broken',
        `link to "${url}": ${target} has no anchor "#${hash}"`,
        'Use the id of a step, problem, heading or reference on that page.',
      );
    }
  };

  for (const file of files) {
    if (file.raw) {
      for (const s of frontmatterStrings(file.raw)) {
        const at = () => placeOf(file, s.path);
        if (s.path.at(-2) === 'cites') {
          cited.add(s.value);
          if (!refIds.has(s.value))
            report(file.path, at, 'citation-unknown', `unknown reference id "${s.value}" in field ${s.path.join('.')}`, 'Use an id from references.yaml.');
          continue;
        }
        checkText(file, s.value, at);
      }
    }
    const tree = bodies.get(file);
    if (!tree) continue;
    const at = (node: { position?: { start: { line: number; column: number } } | undefined }) => ({
      line: (node.position?.start.line ?? 1) + file.bodyOffset,
      column: node.position?.start.column ?? 1,
    });
    let depth = 1;
    visit(tree, (node: RootContent | Root) => {
      if (node.type !== 'root') for (const p of safetyProblems(node)) report(file.path, at(node), p.rule, p.message, p.hint);
      switch (node.type) {
        case 'text':
          checkText(file, (node as Text).value, at(node));
          break;
        case 'link':
          checkLink(file, (node as Link).url, at(node));
          break;
        case 'image':
          if (!(node as Image).alt?.trim())
            report(file.path, at(node), 'image-alt', `image "${(node as Image).url}" has no alt text`, 'Describe the image: ![what it shows](file.png).');
          break;
        case 'heading': {
          const level = (node as Heading).depth;
          if (level === 1)
            report(file.path, at(node), 'heading-skip', 'a level-1 heading in the body: the page already has its title', 'Start sections at ## (level 2).');
          else if (level > depth + 1)
            report(
              file.path,
              at(node),
              'heading-skip',
              `heading level ${level} follows level ${depth}`,
              `Use level ${depth + 1} here, or add the missing level above.`,
            );
          depth = level;
          break;
        }
        case 'code':
          if (node.lang === 'mermaid') {
            diagrams.push({ file, line: at(node).line, code: node.value });
            for (const p of mermaidLinkProblems(node.value)) report(file.path, { line: at(node).line + p.line, column: 1 }, p.rule, p.message, p.hint);
          }
          break;
        case 'mdxJsxFlowElement':
        case 'mdxJsxTextElement': {
          const attrs = new Map(node.attributes.filter((a) => a.type === 'mdxJsxAttribute').map((a) => [a.name, a.value]));
          if (node.name === 'img' && !(typeof attrs.get('alt') === 'string' && (attrs.get('alt') as string).trim())) {
            report(file.path, at(node), 'image-alt', 'an <img> has no alt text', 'Add alt="what the image shows".');
          }
          if (node.name === 'a' && typeof attrs.get('href') === 'string') checkLink(file, attrs.get('href') as string, at(node));
          break;
        }
      }
    });
  }

  for (const [id, { line }] of refIds) {
    if (!cited.has(id))
      report(
        refFile,
        { line, column: 1 },
        'reference-unused',
        `reference "${id}" is not cited anywhere`,
        'Cite it where it supports a claim, or remove it if the source does not use it.',
        'warning',
      );
  }

  // Diagrams: cached ones parsed when they were rendered; others are parsed now, in a browser.
  const cacheDir = resolve(cwd, process.env.SITE_DIAGRAM_CACHE ?? join(contentDir, DIAGRAM_CACHE_FOLDER));
  const unchecked = diagrams.filter((d) => !readCachedDiagram(cacheDir, diagramCacheKey(d.code)));
  if (unchecked.length > 0 && options.diagrams !== false) {
    if (!findHeadlessBrowser()) {
      for (const d of unchecked)
        report(
          d.file.path,
          { line: d.line, column: 1 },
          'diagram-unchecked',
          'this diagram changed and no browser is available to parse it',
          'Set CHROME_PATH or install Chromium; the build will parse it.',
          'warning',
        );
    } else {
      // Rendered as the build renders them, into its cache.
      const { failures } = await renderMissing(
        unchecked.map((d) => ({ file: d.file.path, line: d.line, code: d.code })),
        cacheDir,
      ).done;
      for (const { block, result } of failures)
        report(
          block.file,
          { line: block.line + (result.error.line ?? 1), column: 1 },
          'diagram-parse',
          `Mermaid: ${result.error.message.split('\n')[0]}`,
          'Fix the diagram; try it in the Mermaid live editor or see mermaid.js.org/syntax.',
        );
    }
  }

  options.bodies?.finish();
  return findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
