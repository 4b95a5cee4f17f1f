/**
 * Starts the output steps' process (steps-process.ts) for a build, and hands over one started before Astro loaded.
 *
 * The outputs integration starts the steps when Astro sets its configuration up (src/integrations/outputs.ts), about two seconds
 * into a build: the steps' modules, the PDF exporter and the browser driver then load, and the printing browser starts, while
 * Astro syncs and renders, so that protocol pages Astro wrote first waited for a browser still starting. `npm run build` starts
 * them earlier: scripts/lib/steps-ahead.ts, loaded into Astro's process before Astro, calls {@link startStepsAhead}, and the
 * integration takes that process over ({@link takeStepsAhead}) when its build is the one it was started for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARENT_PID_ENV } from '../../scripts/lib/parent-pid.ts';

export interface StartedSteps {
  child: ChildProcess;
  /** Its exit code, once it has ended. */
  closed: Promise<number | null>;
}

const stepsProcess = fileURLToPath(new URL('./steps-process.ts', import.meta.url));
/** The steps stop when Astro is gone (killed with the build script), instead of writing on into a folder about to go. */
const endWithParent = new URL('../../scripts/lib/end-with-parent.ts', import.meta.url).href;
/** Where a process started ahead waits, on the global object, for the integration: the two load this module apart. */
const STEPS_AHEAD = Symbol.for('support-center.steps-ahead');

/** What a steps process is started for: the same build takes it over only if every one of these is the same. */
interface StepsTarget {
  contentDir: string;
  /** The project's folder, for paths in messages. */
  root: string;
  /** Where the reason a step failed is written. */
  failureFile: string;
  /** Where Astro writes the site. */
  outDir: string;
}

/**
 * The steps' process, which waits on its standard input for the pages and then the built site's folder, and leaves quietly if
 * its input ends without one.
 */
export function startSteps({ contentDir, root, failureFile, outDir }: StepsTarget): StartedSteps {
  const child = spawn(process.execPath, ['--import', endWithParent, stepsProcess, contentDir, root, outDir], {
    stdio: ['pipe', 'inherit', 'inherit'],
    env: { ...process.env, SITE_STEP_FAILURE_FILE: failureFile, [PARENT_PID_ENV]: String(process.pid) },
  });
  const closed = new Promise<number | null>((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  closed.catch(() => undefined);
  return { child, closed };
}

const same = (a: StepsTarget, b: StepsTarget) =>
  resolve(a.contentDir) === resolve(b.contentDir) &&
  resolve(a.root) === resolve(b.root) &&
  a.failureFile === b.failureFile &&
  resolve(a.outDir) === resolve(b.outDir);

/** Starts the steps of the build about to load in this process, for {@link takeStepsAhead}. */
export function startStepsAhead(target: StepsTarget): void {
  // One started earlier and not taken (a build that failed before its configuration was set up) is told there is no site.
  dropStepsAhead();
  (globalThis as Record<symbol, unknown>)[STEPS_AHEAD] = { target, steps: startSteps(target) };
}

/**
 * The steps started ahead for this build, once: undefined when none were, or when they were started for another content,
 * project, failure file or output folder (they are then told the build has no site, and leave).
 */
export function takeStepsAhead(target: StepsTarget): StartedSteps | undefined {
  const global = globalThis as Record<symbol, { target: StepsTarget; steps: StartedSteps } | undefined>;
  const ahead = global[STEPS_AHEAD];
  if (!ahead || !same(ahead.target, target)) return dropStepsAhead();
  delete global[STEPS_AHEAD];
  return ahead.steps;
}

/**
 * Ends the steps started ahead and not taken, if any, and waits until their process has closed: a process that stops (the
 * watch's runner) ends them first, so that nothing of its own writes on after it.
 */
export async function endStepsAhead(): Promise<void> {
  const steps = (globalThis as Record<symbol, { steps: StartedSteps } | undefined>)[STEPS_AHEAD]?.steps;
  dropStepsAhead();
  await steps?.closed.catch(() => undefined);
}

/** Ends the steps started ahead and not taken, if any: they are told the build has no site, and leave. */
function dropStepsAhead(): undefined {
  const global = globalThis as Record<symbol, { steps: StartedSteps } | undefined>;
  global[STEPS_AHEAD]?.steps.child.stdin?.end();
  delete global[STEPS_AHEAD];
  return undefined;
}
