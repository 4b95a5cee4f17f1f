/**
 * `npm run new -- center <dir> "Name"`: writes a minimal center that builds at once.
 * `npm run new -- <faq|protocol|troubleshooting|reference> "Title"`: scaffolds a valid
 * entry, with every field explained, in the center given by --content <dir> (or
 * SITE_CONTENT_DIR; content/ by default). It refuses a slug or reference id that
 * already exists.
 * `npm run new -- version <protocol-slug> ["what changed"]`: records a protocol's version. Without a summary it archives the
 * current text as its current version (do this before the first edit); with one, after editing, it bumps the version, adds the
 * history entry dated today and archives the new text (protocols/.versions/<slug>/<version>.yaml).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { parse, parseDocument } from 'yaml';
import { fingerprint, protocolText, readSnapshot, snapshotFile } from '../src/lib/protocol-versions.ts';
import { contentArg } from './lib/content-arg.ts';
import { CONTENT_FILES, MDX_COLLECTIONS } from '../src/content-model.ts';
import { centerFiles } from './lib/center-template.ts';

const TYPES = ['center', 'faq', 'protocol', 'troubleshooting', 'reference', 'version'] as const;
type EntryType = (typeof TYPES)[number];

function fail(message: string): never {
  console.error(`[new] ${message}`);
  process.exit(1);
}

let args: ReturnType<typeof contentArg>;
try {
  args = contentArg();
} catch (error) {
  fail((error as Error).message);
}
const shown = (path: string) => relative(process.env.INIT_CWD ?? process.cwd(), path) || '.';
const [type] = args.rest as [EntryType | undefined];
const usage = `usage: npm run new -- center <dir> "Name"   or   npm run new -- <${TYPES.slice(1).join('|')}> "Title" [--content <dir>]`;
if (!type || !TYPES.includes(type)) fail(usage);

if (type === 'center') {
  const [, dirArg, name] = args.rest;
  if (!dirArg || !name?.trim()) fail(usage);
  const dir = isAbsolute(dirArg) ? dirArg : resolve(process.env.INIT_CWD ?? process.cwd(), dirArg);
  if (existsSync(join(dir, CONTENT_FILES.site))) fail(`${shown(join(dir, CONTENT_FILES.site))} already exists: ${shown(dir)} is a center already.`);
  if (existsSync(dir) && readdirSync(dir).length > 0) fail(`${shown(dir)} is not empty; give a new or empty folder.`);
  for (const [file, text] of Object.entries(centerFiles(name.trim(), new Date().toISOString().slice(0, 10)))) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  console.log(
    `[new] created the center "${name.trim()}" in ${shown(dir)}. Build it with: npm run build -- --content ${shown(dir)}  (or serve it: npm start -- --content ${shown(dir)})`,
  );
  process.exit(0);
}

if (type === 'version') {
  recordVersion(args.contentDir, args.rest[1], args.rest[2]);
  process.exit(0);
}

/** `npm run new -- version`: see the header. */
function recordVersion(contentDir: string, slug: string | undefined, summary: string | undefined): void {
  if (!slug) fail('usage: npm run new -- version <protocol-slug> ["what changed"] [--content <dir>]');
  const protocolsDir = join(contentDir, MDX_COLLECTIONS.protocols.folder);
  const file = join(protocolsDir, `${slug}.mdx`);
  if (!existsSync(file)) fail(`${shown(file)} does not exist: give the slug of a protocol (its file name without .mdx).`);
  const text = readFileSync(file, 'utf8');
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!match) fail(`${shown(file)} has no frontmatter.`);
  const doc = parseDocument(match[1]!);
  const data = doc.toJSON() as Record<string, unknown>;
  const version = String(data.version);
  const today = new Date().toISOString().slice(0, 10);
  const archive = (v: string, yaml: string) => {
    const target = snapshotFile(protocolsDir, slug, v);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(
      target,
      `# The text of ${slug} version ${v}, archived by npm run new -- version: keep it, it is what later versions are compared with.\n${yaml}\n`,
    );
    return target;
  };
  const archived = readSnapshot(protocolsDir, slug, version);
  if (!summary) {
    if (archived && fingerprint(archived) !== fingerprint(protocolText(data)))
      fail(`version ${version} of ${slug} is archived and the text has changed since: record the change with npm run new -- version ${slug} "what changed".`);
    if (!doc.has('history')) doc.set('history', [{ version, date: String(data.lastReviewed ?? today).slice(0, 10), summary: 'First version' }]);
    writeFileSync(file, text.replace(match[1]!, doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd()));
    console.log(`[new] archived ${slug} version ${version}: ${shown(archive(version, match[1]!))}`);
    return;
  }
  if (!archived)
    fail(
      `version ${version} of ${slug} is not archived, so its changes cannot be shown. If its text is still that of ${version}, run npm run new -- version ${slug} first; otherwise restore that text from your records.`,
    );
  if (fingerprint(archived) === fingerprint(protocolText(data)))
    fail(`${slug} has not changed since version ${version}: edit it first, then record the change.`);
  const parts = version.split('.');
  parts[parts.length - 1] = String(Number(parts[parts.length - 1]) + 1);
  const next = parts.join('.');
  const history = (doc.toJSON() as { history?: unknown[] }).history ?? [
    { version, date: String(data.lastReviewed ?? today).slice(0, 10), summary: 'First version' },
  ];
  doc.set('version', next);
  doc.set('lastReviewed', today);
  doc.set('history', [...history, { version: next, date: today, summary }]);
  const yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd();
  writeFileSync(file, text.replace(match[1]!, yaml));
  console.log(`[new] ${slug} is now version ${next}; archived: ${shown(archive(next, yaml))}`);
}

const contentDir = args.contentDir;
const title = args.rest[1];
if (!title?.trim()) fail(usage);
if (!existsSync(join(contentDir, CONTENT_FILES.site)))
  fail(`${shown(contentDir)} is not a center (no ${CONTENT_FILES.site}). Start one with npm run new -- center <dir> "Name", or give --content <dir>.`);
const slug = new GithubSlugger().slug(title);
const q = (s: string) => JSON.stringify(s);

/** The next `order` (or `number`) after the entries already in a folder. */
function nextOrder(folder: string, field: 'order' | 'number'): number {
  const dir = join(contentDir, folder);
  if (!existsSync(dir)) return 1;
  const values = readdirSync(dir)
    .filter((f) => f.endsWith('.mdx'))
    .map((f) => /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, f), 'utf8'))?.[1])
    .map((yaml) => Number((yaml ? (parse(yaml) as Record<string, unknown>) : {})[field]) || 0);
  return Math.max(0, ...values) + 1;
}

/** Topic ids of the center, for the FAQ template. */
function topicIds(): string[] {
  const config = parse(readFileSync(join(contentDir, CONTENT_FILES.site), 'utf8')) as { topics?: { id?: string }[] } | null;
  return (config?.topics ?? []).map((t) => t.id).filter((id): id is string => typeof id === 'string');
}

const today = new Date().toISOString().slice(0, 10);
const topics = topicIds();
/** An id the FAQ template can show as an example citation: a real one, so the new entry passes the checks. */
const firstReference = (() => {
  const file = join(contentDir, CONTENT_FILES.references);
  const refs = existsSync(file) ? (parse(readFileSync(file, 'utf8')) as { id?: string }[] | null) : null;
  return refs?.[0]?.id;
})();

const TEMPLATES: Record<Exclude<EntryType, 'reference' | 'center' | 'version'>, { folder: string; body: () => string }> = {
  faq: {
    folder: MDX_COLLECTIONS.faq.folder,
    body: () => `---
# The question, as a researcher would ask it.
question: ${q(title)}
# The answer in ONE sentence: it is shown on the FAQ index.
summary: "Replace this with the answer in one sentence."
# Position on the FAQ index (lowest first).
order: ${nextOrder('faq', 'order')}
# Topics the answer covers: ids from the topics list of site.yaml${topics.length ? ` (${topics.join(', ')})` : ' (add one there first)'}.
topics:
  - ${topics[0] ?? 'replace-with-a-topic-id'}
---

Write the answer here, in MDX. Cite each claim right after it with its reference id
from references.yaml${firstReference ? `, e.g. [@${firstReference}]` : ' in square brackets, after an @ sign'}. Start sections at ## (the page has its title).
`,
  },
  protocol: {
    folder: MDX_COLLECTIONS.protocols.folder,
    body: () => `---
# Full title of the protocol.
title: ${q(title)}
# Short name of the experiment, used as a search topic (e.g. "Western blot").
topic: ${q(title.split(/\s+/).slice(0, 3).join(' '))}
# Protocol number; orders the index and the combined PDF.
number: ${nextOrder('protocols', 'number')}
# What the protocol achieves.
objective: "Replace this with the objective of the protocol."
# Content version: bump it whenever a step changes (a new version starts a clean run at the bench).
version: "1.0"
# Date this protocol was last reviewed against its sources (YYYY-MM-DD).
lastReviewed: ${today}
# Slug of the troubleshooting guide for this experiment, if there is one (its file name without .mdx).
# troubleshooting: guide-slug
# Materials and reagents: name, and optionally detail (specification or examples), with units typed as µg/mL, °C.
materials:
  - name: "First material"
    detail: "e.g. specification or example"
# Steps, in order. id is the step's anchor (kebab-case, unique), conditions are label/value pairs,
# cites lists reference ids from references.yaml.
steps:
  - id: first-step
    title: "First step"
    text: "Describe what to do in full sentences, with every figure and unit."
    conditions:
      - label: Time
        value: "1 hour"
    cites: []
---

Optional notes in MDX: links to the troubleshooting guide, a \`\`\`mermaid diagram with caption="…", accTitle and accDescr.
`,
  },
  troubleshooting: {
    folder: MDX_COLLECTIONS.troubleshooting.folder,
    body: () => `---
# The experiment this guide covers.
title: ${q(title)}
# Short name of the experiment, used as a search topic.
topic: ${q(title.split(/\s+/).slice(0, 3).join(' '))}
# One sentence for the index.
summary: "Replace this with one sentence on what this guide fixes."
# Position on the index (lowest first).
order: ${nextOrder('troubleshooting', 'order')}
# Slug of the protocol this guide supports, if any (its file name without .mdx).
# protocol: protocol-slug
# Problems, each with an id (its anchor), the symptom, and one or more causes,
# each cause with its recommended solution and the reference ids that support it.
problems:
  - id: first-problem
    problem: "The symptom as the researcher sees it."
    causes:
      - cause: "What may be going wrong."
        solution: "What to do about it."
        cites: []
---

One or two sentences introducing the guide.
`,
  },
};

if (type === 'reference') {
  const file = join(contentDir, CONTENT_FILES.references);
  const refs = (existsSync(file) ? (parse(readFileSync(file, 'utf8')) as { id: string; number: number }[] | null) : null) ?? [];
  if (refs.some((r) => r.id === slug)) fail(`a reference with id "${slug}" already exists in ${shown(file)}; choose another title.`);
  // An empty list written as "[]" cannot take appended entries.
  if (existsSync(file) && refs.length === 0) writeFileSync(file, readFileSync(file, 'utf8').replace(/^\s*\[\s*\]\s*$/m, ''));
  const number = Math.max(0, ...refs.map((r) => r.number)) + 1;
  appendFileSync(
    file,
    `- id: ${slug}
  number: ${number}
  # Title exactly as the source gives it.
  title: ${q(title)}
  # Give what the source gives, and nothing it does not (uncomment what applies):
  # authors: ["Surname AB", "Surname CD"]
  # year: 2024
  # container: Journal or book title
  # publisher: Publisher
  # doi: 10.1234/example
  # site: example.org
  # url: https://example.org/page
`,
  );
  console.log(`[new] added reference ${number} "${slug}" to ${shown(file)}; cite it as [@${slug}].`);
} else {
  const template = TEMPLATES[type];
  const path = join(contentDir, template.folder, `${slug}.mdx`);
  if (existsSync(path)) fail(`${shown(path)} already exists; choose another title.`);
  mkdirSync(join(contentDir, template.folder), { recursive: true });
  writeFileSync(path, template.body());
  console.log(`[new] created ${shown(path)}; fill in the fields, then run npm run check.`);
}
