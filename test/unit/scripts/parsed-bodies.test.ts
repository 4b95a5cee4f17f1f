/**
 * The watch keeps the bodies parsed by one run of the content checks for the next (scripts/check/content-checks.ts,
 * ParsedBodies): a second run over the same center reports the same findings without parsing a body again, and an edited body
 * is parsed again, its new error reported and an error fixed no longer.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { checkContent, ParsedBodies } from '../../../scripts/check/content-checks';

const dir = mkdtempSync(join(tmpdir(), 'parsed-bodies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reports what a run without it reports, parsing only the bodies that changed', async () => {
  const center = join(dir, 'center');
  cpSync('test/fixtures/centers/qpcr', center, { recursive: true });
  const options = { diagrams: false, cwd: center };
  const bodies = new ParsedBodies();
  const mdxFiles = 4 + 3 + 1 + 3; // FAQs, protocols, the guide, the site texts

  const first = await checkContent(center, { ...options, bodies });
  expect(first).toEqual(await checkContent(center, options));
  expect(bodies.reused).toBe(0);
  expect(await checkContent(center, { ...options, bodies })).toEqual(first);
  expect(bodies.reused).toBe(mdxFiles);

  // A brace that starts an expression MDX cannot parse: the edited body is parsed again and its error reported.
  const faq = join(center, 'faq', 'melt-curve.mdx');
  const text = readFileSync(faq, 'utf8');
  writeFileSync(faq, `${text}\nA stray brace { here.\n`);
  const broken = await checkContent(center, { ...options, bodies });
  expect(bodies.reused).toBe(mdxFiles - 1);
  expect(broken.filter((f) => f.rule === 'mdx-syntax').map((f) => f.file)).toEqual(['faq/melt-curve.mdx']);
  expect(broken).toEqual(await checkContent(center, options));
  // The same error again from the kept parse, and gone once fixed.
  expect(await checkContent(center, { ...options, bodies })).toEqual(broken);
  writeFileSync(faq, text);
  expect(await checkContent(center, { ...options, bodies })).toEqual(first);
});
