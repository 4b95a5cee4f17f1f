/**
 * Loaded (`node --import`) into the Astro process that scripts/build.ts starts: when the build script is gone — killed with
 * SIGKILL, which it cannot catch to stop Astro itself — Astro stops too, instead of writing on into a staging folder that the
 * next build removes. An orphan is adopted by another process, so its parent's id changes.
 */
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) {
    console.error('[build] the build script is gone: stopping Astro');
    process.exit(1);
  }
}, 250).unref();
export {};
