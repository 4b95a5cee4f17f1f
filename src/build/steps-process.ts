/**
 * Runs the output steps (steps.ts) in a process of their own, started by the outputs integration: Astro's process holds the
 * whole build's modules by then (over 1 GiB at 1,000 pages), and the steps, which read every page and pack the bundle, ran
 * slower there and raised the build's peak memory. Started when the build starts, so Node and these modules load while Astro
 * renders; arguments: the center's folder and the project's. The built site's folder comes on standard input (one JSON line,
 * `{"siteDir": …}`) when Astro has written it; a build that ends without one closes the input and this process leaves quietly.
 * Exits non-zero, with the reason in SITE_STEP_FAILURE_FILE when given, if a step fails.
 */
import { writeFileSync } from 'node:fs';
import { translator } from '../i18n/ui.ts';
import { loadSiteConfig } from '../lib/site-config.ts';
import { runSteps } from './steps.ts';

const [contentDir, root] = process.argv.slice(2) as [string, string];
let input = '';
for await (const chunk of process.stdin) input += String(chunk);
if (!input.trim()) process.exit(0);
const { siteDir } = JSON.parse(input) as { siteDir: string };
const label = '[support-center:outputs]';
const time = () => new Date().toTimeString().slice(0, 8);
try {
  const center = loadSiteConfig(contentDir);
  const epoch = process.env.SOURCE_DATE_EPOCH;
  await runSteps({
    siteDir,
    contentDir,
    root,
    center,
    say: translator(center.ui),
    buildDate: (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().slice(0, 10),
    log: (message) => console.log(`${time()} ${label} ${message}`),
    warn: (message) => console.warn(`${time()} [WARN] ${label} ${message}`),
  });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  if (process.env.SITE_STEP_FAILURE_FILE) writeFileSync(process.env.SITE_STEP_FAILURE_FILE, message);
  console.error(`${time()} [ERROR] ${label} ${message}`);
  process.exit(1);
}
