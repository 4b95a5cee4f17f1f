/**
 * `npm run build -- --watch`: the time from saving an edit to one FAQ to the rebuilt site being in place (the build's
 * "[build] done" line, after the swap into the output folder). Starts the watch on a center, waits for its first build, then
 * appends a sentence to the FAQ's file `edits` times, each after the previous rebuild ended; the time of each, in seconds.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILE_CACHE_FIRST } from '../lib/compile-cache.ts';

export async function watchRebuildSeconds(root: string, env: NodeJS.ProcessEnv, contentDir: string, edits = 3): Promise<number[]> {
  // As `npm run build -- --watch` starts it (package.json).
  const watch = spawn(process.execPath, ['--import', COMPILE_CACHE_FIRST, 'scripts/build.ts', '--watch'], {
    cwd: root,
    env: { ...process.env, ...env, SITE_CONTENT_DIR: contentDir, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let builds = 0;
  let failed = false;
  let next: (() => void) | undefined;
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    // Lines are counted as they complete: "[build] done in" ends a build, "[build] FAILED" too.
    const done = output.match(/^\[build\] (?:done in|FAILED)/gm) ?? [];
    failed ||= /^\[build\] FAILED/m.test(output);
    if (done.length > builds) {
      builds = done.length;
      next?.();
    }
  };
  watch.stdout.on('data', read);
  watch.stderr.on('data', read);
  const ended = new Promise<never>((_, reject) => watch.on('exit', () => reject(new Error(`the watch stopped:\n${output.slice(-2000)}`))));
  ended.catch(() => undefined);
  const built = (count: number) =>
    Promise.race([
      ended,
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no build ended within 5 minutes:\n${output.slice(-2000)}`)), 300_000);
        next = () => {
          if (builds < count) return;
          clearTimeout(timer);
          if (failed) reject(new Error(`a build failed:\n${output.slice(-2000)}`));
          else resolve();
        };
        next();
      }),
    ]);
  try {
    await built(1);
    const faq = readdirSync(join(contentDir, 'faq'))
      .filter((f) => f.endsWith('.mdx'))
      .sort()[0]!;
    const times: number[] = [];
    for (let i = 1; i <= edits; i++) {
      const started = performance.now();
      appendFileSync(join(contentDir, 'faq', faq), `\nEdited for the watch measurement, round ${i}.\n`);
      await built(1 + i);
      times.push((performance.now() - started) / 1000);
    }
    return times;
  } finally {
    watch.kill('SIGTERM');
    await new Promise((r) => watch.once('exit', r)).catch(() => undefined);
  }
}
