/**
 * `npm run new -- <faq|protocol|troubleshooting|reference> "Title"`:
 * scaffolds a valid entry with every field explained, named after the title.
 * It refuses a slug or reference id that already exists.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { parse } from 'yaml';

const TYPES = ['faq', 'protocol', 'troubleshooting', 'reference'] as const;
type EntryType = (typeof TYPES)[number];

const contentDir = resolve(process.env.SITE_CONTENT_DIR ?? 'content');
const [type, title] = process.argv.slice(2) as [EntryType | undefined, string | undefined];

function fail(message: string): never {
  console.error(`[new] ${message}`);
  process.exit(1);
}

if (!type || !TYPES.includes(type) || !title?.trim()) {
  fail(`usage: npm run new -- <${TYPES.join('|')}> "Title"`);
}
const slug = new GithubSlugger().slug(title);
const q = (s: string) => JSON.stringify(s);

/** The next `order` (or `number`) after the entries already in a folder. */
function nextOrder(folder: string, field: 'order' | 'number'): number {
  const dir = join(contentDir, folder);
  const values = readdirSync(dir)
    .filter((f) => f.endsWith('.mdx'))
    .map((f) => /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, f), 'utf8'))?.[1])
    .map((yaml) => Number((yaml ? (parse(yaml) as Record<string, unknown>) : {})[field]) || 0);
  return Math.max(0, ...values) + 1;
}

const today = new Date().toISOString().slice(0, 10);

const TEMPLATES: Record<Exclude<EntryType, 'reference'>, { folder: string; body: () => string }> = {
  faq: {
    folder: 'faq',
    body: () => `---
# The question, as a researcher would ask it.
question: ${q(title)}
# The answer in ONE sentence: it is shown on the FAQ index.
summary: "Replace this with the answer in one sentence."
# Position on the FAQ index (lowest first).
order: ${nextOrder('faq', 'order')}
# Mechanisms the answer covers: her2-alteration, alternative-pathways, receptor-crosstalk, impaired-adcc.
mechanisms:
  - her2-alteration
---

Write the answer here, in MDX. Cite each claim right after it with its reference id
from content/references.yaml, e.g. [@trastuzumab-resistant-lines]. Start sections at ## (the page has its title).
`,
  },
  protocol: {
    folder: 'protocols',
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
# Slug of the troubleshooting guide for this experiment, if there is one (e.g. western-blot-phospho).
# troubleshooting: western-blot-phospho
# Materials and reagents: name, and optionally detail (specification or examples), with units typed as µg/mL, °C.
materials:
  - name: "First material"
    detail: "e.g. specification or example"
# Steps, in order. id is the step's anchor (kebab-case, unique), conditions are label/value pairs,
# cites lists reference ids from content/references.yaml.
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
    folder: 'troubleshooting',
    body: () => `---
# The experiment this guide covers.
title: ${q(title)}
# Short name of the experiment, used as a search topic.
topic: ${q(title.split(/\s+/).slice(0, 3).join(' '))}
# One sentence for the index.
summary: "Replace this with one sentence on what this guide fixes."
# Position on the index (lowest first).
order: ${nextOrder('troubleshooting', 'order')}
# Slug of the protocol this guide supports, if any.
# protocol: western-blot-p-akt
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
  const file = join(contentDir, 'references.yaml');
  const refs = (parse(readFileSync(file, 'utf8')) as { id: string; number: number }[]) ?? [];
  if (refs.some((r) => r.id === slug)) fail(`a reference with id "${slug}" already exists in ${relative(process.cwd(), file)}; choose another title.`);
  const number = Math.max(0, ...refs.map((r) => r.number)) + 1;
  appendFileSync(
    file,
    `- id: ${slug}
  number: ${number}
  # Title exactly as the source gives it; delete the line if the source names only a site.
  title: ${q(title)}
  # Publisher as the source gives it; delete the line if it gives none.
  # publisher: Publisher
  # The site the source names, as a bare host name. Replace this.
  site: example.org
  # A full address only if the source gives one; never reconstruct it.
  # url: https://example.org/page
`,
  );
  console.log(`[new] added reference ${number} "${slug}" to ${relative(process.cwd(), file)}; cite it as [@${slug}].`);
} else {
  const template = TEMPLATES[type];
  const path = join(contentDir, template.folder, `${slug}.mdx`);
  if (existsSync(path)) fail(`${relative(process.cwd(), path)} already exists; choose another title.`);
  writeFileSync(path, template.body());
  console.log(`[new] created ${relative(process.cwd(), path)}; fill in the fields, then run npm run check.`);
}
