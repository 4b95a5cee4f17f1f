/**
 * Mermaid draws with literal colours; the site needs colours that follow the
 * light/dark theme, the manual toggle and print. So diagrams are rendered with
 * unique placeholder colours, and every placeholder in the SVG is then replaced
 * by a CSS custom property (`var(--diagram-…)`) that `global.css` defines per
 * theme.
 */

/** Placeholder colour → the custom property that replaces it. */
const PALETTE = {
  '#a00001': '--diagram-bg',
  '#a00002': '--diagram-node-bg',
  '#a00003': '--diagram-text',
  '#a00004': '--diagram-node-border',
  '#a00005': '--diagram-line',
  '#a00006': '--diagram-secondary-bg',
  '#a00007': '--diagram-cluster-bg',
  '#a00008': '--diagram-cluster-border',
  '#a00010': '--diagram-resistance-bg',
  '#a00011': '--diagram-resistance-border',
  '#a00013': '--diagram-drug-bg',
  '#a00014': '--diagram-drug-border',
  '#a00015': '--diagram-outcome-bg',
  '#a00016': '--diagram-outcome-border',
} as const;

/** Classes every diagram may use (`A:::resistance`), defined once here rather than in each diagram. */
export const DIAGRAM_CLASSES = {
  resistance: 'fill:#a00010,stroke:#a00011,color:#a00003',
  drug: 'fill:#a00013,stroke:#a00014,color:#a00003',
  outcome: 'fill:#a00015,stroke:#a00016,color:#a00003',
} as const;

/** Mermaid configuration: placeholder colours, SVG text labels (no HTML), the classic look with no drop shadows. */
export const MERMAID_CONFIG = {
  startOnLoad: false,
  securityLevel: 'strict',
  theme: 'base',
  look: 'classic',
  htmlLabels: false,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif',
  flowchart: { htmlLabels: false, useMaxWidth: true, curve: 'basis' },
  themeVariables: {
    background: '#a00001',
    edgeLabelBackground: '#a00001',
    primaryColor: '#a00002',
    mainBkg: '#a00002',
    primaryTextColor: '#a00003',
    textColor: '#a00003',
    nodeTextColor: '#a00003',
    titleColor: '#a00003',
    primaryBorderColor: '#a00004',
    nodeBorder: '#a00004',
    lineColor: '#a00005',
    defaultLinkColor: '#a00005',
    secondaryColor: '#a00006',
    tertiaryColor: '#a00007',
    clusterBkg: '#a00007',
    clusterBorder: '#a00008',
  },
} as const;

/** The mermaid source with the shared class definitions appended. */
export function withDiagramClasses(code: string): string {
  const defs = Object.entries(DIAGRAM_CLASSES).map(([name, style]) => `  classDef ${name} ${style}`);
  return `${code.trimEnd()}\n${defs.join('\n')}\n`;
}

function rgbOf(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `${(n >> 16) & 255},\\s*${(n >> 8) & 255},\\s*${n & 255}`;
}

/** Colours mermaid derives from the placeholders itself, and what they stand for. */
const DERIVED: [RegExp, string][] = [
  [/rgba\(160,\s*0,\s*1,\s*0\.5\)/g, 'var(--diagram-bg)'],
  [/(\.arrowheadPath\{fill:)#[0-9a-f]{3,6}/gi, '$1var(--diagram-line)'],
];

/** Replaces every placeholder colour, in hex or rgb() form, by its custom property. */
export function themeSvg(svg: string): string {
  let out = svg;
  for (const [hex, property] of Object.entries(PALETTE)) {
    out = out.replace(new RegExp(`${hex}\\b`, 'gi'), `var(${property})`);
    out = out.replace(new RegExp(`rgba?\\(${rgbOf(hex)}(?:,\\s*1)?\\)`, 'g'), `var(${property})`);
  }
  for (const [pattern, replacement] of DERIVED) out = out.replace(pattern, replacement);
  return out;
}

/** Placeholder colours left in a themed SVG; empty when theming is complete. */
export function unthemedColours(svg: string): string[] {
  return [...new Set(svg.match(/#a000[0-9a-f]{2}\b|rgba?\(160,\s*0,\s*\d+[^)]*\)/gi) ?? [])];
}
