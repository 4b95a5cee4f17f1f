/**
 * The PDF exporter loads the browser driver (playwright-core, 0.3–0.45 s of imports) only when it prints: a build whose PDFs all
 * come from the print cache (a rebuild after an edit to anything but a protocol) does without it. The steps' process loads the
 * exporter itself while Astro works (steps.ts), so what it loads then is what a cached export costs.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

it('imports the PDF exporter without the browser driver, which it loads to print', () => {
  // A child Node records every module it loads while it imports the exporter, as the steps' process does.
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const pdf = await import(${JSON.stringify(new URL('src/build/pdf-export.ts', `file://${root}/`).href)});
    console.log(JSON.stringify({ loaded, exports: Object.keys(pdf) }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const { loaded, exports } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { loaded: string[]; exports: string[] };
  expect(exports).toEqual(expect.arrayContaining(['exportPdfs', 'startPrinter']));
  // The PDF library is there: the exporter is whole.
  expect(loaded.some((url) => url.includes('/node_modules/pdf-lib/'))).toBe(true);
  expect(loaded.filter((url) => url.includes('/node_modules/playwright-core/'))).toEqual([]);
});
