/**
 * Runs the output steps (steps.ts) in a process of their own, started by the outputs integration with Astro's build (before the
 * content is synced): Astro's process holds the whole build's modules (over 1 GiB at 1,000 pages), and the steps, which read
 * every page and pack the bundle, ran slower there and raised the build's peak memory. Arguments: the center's folder and the
 * project's.
 *
 * Standard input carries one JSON object per line: `{"page": "faq/x/index.html", "html": …}` for each page as Astro writes it
 * (src/build/page-handoff.ts), worked on at once while Astro renders the next (the search index, the offline bundle, the links);
 * before them `{"order": [keys]}`, Astro's paths in its order (page-handoff.ts, pageKey), and `{"skip": key}` for a path that
 * gave no page;
 * then `{"siteDir": …}` when Astro has written the whole site, which runs the steps. A build that ends without one closes the
 * input and this process leaves quietly. Exits non-zero, with the reason in SITE_STEP_FAILURE_FILE when given, if a step fails.
 * A third argument, where Astro writes the site, lets protocol pages print as Astro writes them (steps.ts, PrinterWarmup).
 */
import { writeFileSync } from 'node:fs';
import { translator } from '../i18n/ui.ts';
import { loadSiteConfig } from '../lib/site-config.ts';
import { PageSteps } from './steps.ts';
import { stoppingOnItsOwn, whenParentGone } from '../../scripts/lib/end-with-parent.ts';

const [contentDir, root, outDir] = process.argv.slice(2) as [string, string, string | undefined];

// Ctrl+C, or a CI job cancelled, signals the whole group: the process exits as a signal would end it, but through its exit
// handlers (steps.ts removes the search index's temporary file in one), which a signal's default action skips.
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
] as const)
  process.once(signal, () => process.exit(128 + number));

/**
 * The lines of `input`, read only as fast as they are taken: while a page is worked on, the pipe from Astro fills and Astro
 * waits. (readline's iterator reads on regardless, and at 10,000 pages a gigabyte of pages waited in this process.)
 */
async function* lines(input: NodeJS.ReadStream): AsyncGenerator<string> {
  input.setEncoding('utf8');
  let rest = '';
  for await (const chunk of input as AsyncIterable<string>) {
    rest += chunk;
    let end: number;
    while ((end = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, end);
      rest = rest.slice(end + 1);
    }
  }
  if (rest) yield rest;
}
const label = '[support-center:outputs]';
const time = () => new Date().toTimeString().slice(0, 8);
let steps: PageSteps | undefined;
try {
  const center = loadSiteConfig(contentDir);
  const epoch = process.env.SOURCE_DATE_EPOCH;
  // The day the build's first message came: a watch starts its next build's steps when the last build ends (steps-start.ts).
  let buildDate: string | undefined;
  const context = {
    contentDir,
    root,
    center,
    say: translator(center.ui),
    get buildDate(): string {
      return (buildDate ??= (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().slice(0, 10));
    },
    log: (message: string) => console.log(`${time()} ${label} ${message}`),
    warn: (message: string) => console.warn(`${time()} [WARN] ${label} ${message}`),
  };
  steps = new PageSteps(context, outDir);
  // Astro gone (a failed build, or a killed one): the printing browser and the search thread are closed before this process
  // ends, so that their temporary folders go with them.
  const started = steps;
  whenParentGone(() => started.stop());
  let siteDir: string | undefined;
  for await (const line of lines(process.stdin)) {
    if (!line.trim()) continue;
    void context.buildDate;
    const message = JSON.parse(line) as { page: string; html: string } | { order: string[] } | { skip: string } | { siteDir: string };
    if ('page' in message) await steps.add(message.page, message.html);
    else if ('order' in message) steps.order(message.order);
    else if ('skip' in message) steps.skip(message.skip);
    else {
      siteDir = message.siteDir;
      break;
    }
  }
  if (siteDir === undefined) {
    // Astro ended without a site (a failed build): the printing browser closes, and its folders go, before this process does.
    stoppingOnItsOwn();
    await steps.stop();
    process.exit(0);
  }
  await steps.run({ ...context, siteDir });
} catch (error) {
  stoppingOnItsOwn();
  await steps?.stop();
  const message = error instanceof Error ? error.message : String(error);
  if (process.env.SITE_STEP_FAILURE_FILE) writeFileSync(process.env.SITE_STEP_FAILURE_FILE, message);
  console.error(`${time()} [ERROR] ${label} ${message}`);
  process.exit(1);
}
