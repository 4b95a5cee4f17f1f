/** CONTRIBUTING.md is checked against the schemas and the checker, so it cannot drift from them. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatasetSchema } from '../../../src/schemas/dataset';
import { FaqSchema } from '../../../src/schemas/faq';
import { ProtocolSchema } from '../../../src/schemas/protocol';
import { ReferenceSchema } from '../../../src/schemas/reference';
import { SiteTextSchema } from '../../../src/schemas/site-text';
import { TroubleshootingSchema } from '../../../src/schemas/troubleshooting';
import { VocabularySchema } from '../../../src/schemas/vocabulary';
import { SiteConfigSchema } from '../../../src/schemas/site-config';

const guide = readFileSync('CONTRIBUTING.md', 'utf8');

/** Every field name of a zod object schema, nested objects and arrays of objects included. */
function fieldNames(schema: unknown): string[] {
  const def = (schema as { _zod?: { def: Record<string, unknown> } })._zod?.def;
  if (!def) return [];
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([k, v]) => [k, ...fieldNames(v)]);
    case 'array':
      return fieldNames(def.element);
    case 'optional':
    case 'default':
    case 'nullable':
    case 'pipe':
      return fieldNames(def.innerType ?? def.in);
    default:
      return [];
  }
}

describe('CONTRIBUTING.md', () => {
  it.each([
    ['faq', FaqSchema],
    ['troubleshooting', TroubleshootingSchema],
    ['protocol', ProtocolSchema],
    ['dataset', DatasetSchema],
    ['reference', ReferenceSchema],
    ['site text', SiteTextSchema],
    ['vocabulary', VocabularySchema],
    ['site config', SiteConfigSchema],
  ])('documents every field of the %s schema', (_name, schema) => {
    const fields = [...new Set(fieldNames(schema))];
    expect(fields.length).toBeGreaterThan(2);
    expect(fields.filter((f) => !guide.includes(`\`${f}\``) && !guide.includes(`.${f}\``) && !guide.includes(`${f},`))).toEqual([]);
  });

  it('documents every rule the checker reports, with an example message of the right form', () => {
    // The checks, and the rule modules they report from.
    const source = ['scripts/check/content-checks.ts', 'src/markdown/content-safety.ts'].map((f) => readFileSync(f, 'utf8')).join('\n');
    const rules = new Set(
      [...source.matchAll(/'([a-z]+(?:-[a-z]+)+|schema|yaml|frontmatter|encoding)'/g)]
        .map((m) => m[1]!)
        .filter((r) => !r.includes('diagram-') || r.startsWith('diagram-')),
    );
    const reported = [...rules].filter((r) => new RegExp(`(report\\([^;]*'${r}'|\\? '${r}'|: '${r}'|rule: '${r}')`).test(source));
    expect(reported.length).toBeGreaterThanOrEqual(18);
    for (const rule of reported) {
      expect(guide, rule).toMatch(new RegExp(`\\| \`${rule}\`[^|]*\\|[^|]+\\| \`content/[^\`]+:\\d+:\\d+  ${rule}  `));
    }
  });
});
