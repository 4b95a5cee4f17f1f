/**
 * The content checks on their own (`npm run check` runs them after astro
 * check): every problem as `file:line:col  rule-id  message` with a hint;
 * a non-zero exit on any error. Warnings do not fail.
 */
import { contentArg } from './lib/content-arg.ts';
import { checkContent } from './check/content-checks.ts';
import { formatFinding } from './check/report.ts';
import { closeMermaidRenderer } from '../src/markdown/mermaid-renderer.ts';

const { contentDir } = contentArg();
const started = performance.now();
try {
  const findings = await checkContent(contentDir);
  for (const f of findings) console[f.severity === 'error' ? 'error' : 'warn'](formatFinding(f));
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  console.log(
    `[check] content: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${((performance.now() - started) / 1000).toFixed(2)} s)`,
  );
  process.exitCode = errors > 0 ? 1 : 0;
} finally {
  await closeMermaidRenderer();
}
