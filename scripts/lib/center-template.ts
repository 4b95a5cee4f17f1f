/**
 * The files of a new, minimal center (`npm run new -- center <dir> "Name"`):
 * it builds at once, says nothing it cannot know, and explains every field.
 */
const q = (s: string) => JSON.stringify(s);

/** Relative path → text of every file of a new center named `name`. */
export function centerFiles(name: string, today: string): Record<string, string> {
  const short = name.replace(/\s+support\s+center$/i, '').trim() || name;
  return {
    'site.yaml': `# The center's identity and organisation; the fields are described in CONTRIBUTING.md ("site.yaml").

# Full name: header, page titles, PDF metadata, and (as a slug) the offline zip's name.
name: ${q(name)}
# Short name for narrow headers (phones).
shortName: ${q(short)}
# One line on what the center is: the meta description and the home page's lede.
description: ${q(`Technical support for ${short}: answers, troubleshooting, protocols and references.`)}
# The public address, once the center has one: canonical links, PDF links and the offline copy's "updates" link.
# url: https://support.example.org
# Language of the content and the interface (BCP 47). For a language other than English, add a ui: table (see CONTRIBUTING.md).
language: en
# What the FAQ's categories are called on the home page.
topicsTitle: Topics
# The FAQ's categories, in order. Each FAQ entry lists the ids of the topics it covers.
topics:
  - id: general
    label: General
# Keywords added to every protocol PDF's metadata.
keywords: []
# The dose–response (IC₅₀) calculator: set enabled to false to leave it out, or name the lines and the unit.
doseResponse:
  enabled: true
  concentrationLabel: Concentration
  # unit: µM
  lineA: Line A
  lineB: Line B
  ratioLabel: Fold change
`,
    'vocabulary.yaml': `# What search understands beyond the words of the pages (see "Search vocabulary" in CONTRIBUTING.md).
# synonyms: the field's own terms, e.g.
#   - canonical: western blot
#     variants: [WB, immunoblot]
synonyms: []
# Lab shorthand: the written-out term as canonical, its abbreviations as variants. The common list; extend it.
shorthand:
  - canonical: room temperature
    variants: [RT, r.t.]
  - canonical: overnight
    variants: [O/N, o.n.]
  - canonical: hour
    variants: [h, hr, hrs, hours]
  - canonical: minutes
    variants: [min, mins, minute]
  - canonical: seconds
    variants: [sec, secs]
  - canonical: concentration
    variants: [conc, conc.]
  - canonical: antibody
    variants: [ab, Ab]
  - canonical: temperature
    variants: [temp, temp.]
  - canonical: weight/volume
    variants: [w/v]
  - canonical: volume/volume
    variants: [v/v]
`,
    'references.yaml': `# The numbered reference list. Add entries with: npm run new -- reference "Title" --content <this folder>
# Each entry: id (cited as [@id]), number, and what the source gives: authors, year, title, container, publisher, doi, site, url.
[]
`,
    'site/overview.mdx': `---
# Heading of the overview on the home page.
title: About this center
# One line for page chrome.
short: ${q(`What this center covers and how it is organised.`)}
---

Write the overview of ${name} here: what it covers, who it is for, and where to start.
`,
    'site/how-to-cite.mdx': `---
title: How to cite
short: Cite this center as shown below.
# Add citation: { author, title, publisher, year, medium, url, key } to offer BibTeX, RIS and CSL-JSON downloads of the citation.
---

Say here how readers should cite the material of this center, and cite the original work behind each finding.
`,
    'site/disclaimer.mdx': `---
title: Research Use Only
short: For Research Use Only (RUO); not for diagnostic or therapeutic procedures.
---

The information on this site is intended for Research Use Only (RUO). It must not be used for diagnostic or therapeutic procedures.
`,
    '.gitignore': `# Written by builds; the diagram renders in .diagram-cache/ are meant to be committed.
.diagram-cache/*.tmp
`,
    'README.md': `# ${name}

A support center, created ${today}. Build it with \`npm run build -- --content <this folder>\`, serve it with
\`npm start -- --content <this folder>\`, and add entries with \`npm run new -- faq "Question?" --content <this folder>\`.
The content format is described in the generator's CONTRIBUTING.md.
`,
  };
}
