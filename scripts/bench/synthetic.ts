/**
 * Deterministic synthetic protocols for the benchmark: an objective, 10
 * materials, 12 steps with figures and units, one table, three citations,
 * and a Mermaid diagram in every tenth protocol. Same N, same files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A small seeded generator (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REAGENTS = [
  'PBS',
  'TBST',
  'RIPA buffer',
  'BSA',
  'trypsin-EDTA',
  'DMSO',
  'ethanol',
  'sodium citrate buffer',
  'DAB substrate',
  'hematoxylin',
  'ECL substrate',
  'MTS reagent',
];
const VERBS = ['Incubate', 'Wash', 'Centrifuge', 'Resuspend', 'Dilute', 'Transfer', 'Aliquot', 'Rinse', 'Equilibrate', 'Quantify', 'Mix', 'Seed'];
const REFS = [
  'trastuzumab-resistant-lines',
  'benchchem',
  'thermo-wb-troubleshooting',
  'thermo-ihc-ffpe',
  'cst-ip-troubleshooting',
  'driver-pathways-subclones',
];

/** Writes protocols number 4 … N+3 into `contentDir/protocols`. */
export function writeSyntheticProtocols(contentDir: string, n: number): void {
  mkdirSync(join(contentDir, 'protocols'), { recursive: true });
  for (let i = 1; i <= n; i++) {
    const r = random(i * 7919);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const temp = pick(['4', '22', '37', '60', '95']);
    const cites = [pick(REFS), pick(REFS), pick(REFS)];
    const steps = Array.from({ length: 12 }, (_, s) => {
      const minutes = 5 + Math.floor(r() * 55);
      const conc = (1 + Math.floor(r() * 40)) / 2;
      return `  - id: step-${s + 1}
    title: "${pick(VERBS)} with ${pick(REAGENTS)}"
    text: "${pick(VERBS)} the sample with ${pick(REAGENTS)} at ${conc} µg/mL for ${minutes} minutes at ${temp} °C, then check it under the microscope before going on to the next step of the procedure."
    conditions:
      - label: Time
        value: "${minutes} minutes"
      - label: Temperature
        value: "${temp} °C"
      - label: Concentration
        value: "${conc} µg/mL"
    cites: [${s < 3 ? cites[s] : ''}]`;
    });
    const diagram =
      i % 10 === 0
        ? `
\`\`\`mermaid caption="Workflow of synthetic protocol ${i}."
flowchart TD
  accTitle: Synthetic workflow ${i}
  accDescr: Prepare the sample, treat it for ${temp} minutes, then read out protocol ${i}.
  A["Prepare sample ${i}"] --> B{"Ready?"}
  B -->|yes| C["Treat at ${temp} °C"]
  B -->|no| A
  C --> D["Read out"]:::outcome
\`\`\`
`
        : '';
    writeFileSync(
      join(contentDir, 'protocols', `synthetic-${String(i).padStart(4, '0')}.mdx`),
      `---
title: "Synthetic assay ${i}: ${pick(REAGENTS)} treatment"
topic: Synthetic
number: ${i + 3}
objective: "Measure the response of HER2-positive cells to ${pick(REAGENTS)} in synthetic assay ${i}, for benchmarking the site build."
version: "1.${i % 7}"
lastReviewed: 2026-01-${String(1 + (i % 28)).padStart(2, '0')}
materials:
${Array.from({ length: 10 }, (_, m) => `  - name: "${REAGENTS[(i + m) % REAGENTS.length]} lot ${m + 1}"\n    detail: "${(m + 1) * 5} mL at ${temp} °C"`).join('\n')}
steps:
${steps.join('\n')}
---

## Volumes

| Reagent | Volume per well | Temperature |
| --- | --- | --- |
${Array.from({ length: 5 }, (_, t) => `| ${REAGENTS[(i + t) % REAGENTS.length]} | ${(t + 1) * 10} µL | ${temp} °C |`).join('\n')}
${diagram}
Notes on synthetic assay ${i}: keep samples on ice between steps [@${cites[0]}].
`,
    );
  }
}
