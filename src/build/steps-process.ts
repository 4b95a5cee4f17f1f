/**
 * Runs the output steps (steps.ts) in a process of their own, started by the outputs integration: Astro's process holds the
 * whole build's modules by then (over 1 GiB at 1,000 pages), and the steps, which read every page and pack the bundle, ran
 * slower there and raised the build's peak memory. Arguments: the built site and the center's folder. Exits non-zero, with the
 * reason in SITE_STEP_FAILURE_FILE when given, if a step fails.
 */
import { writeFileSync } from 'node:fs';
import { translator } from '../i18n/ui.ts';
import { loadSiteConfig } from '../lib/site-config.ts';
import { runSteps } from './steps.ts';

const [siteDir, contentDir, root] = process.argv.slice(2) as [string, string, string];
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
