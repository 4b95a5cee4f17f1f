/**
 * scripts/lib/end-with-parent.ts stops a process whose parent is gone (Astro after a killed build script, the output steps after
 * Astro), except one already stopping on its own, which is given time to finish its cleanup: the steps closing their printing
 * browser after a failed build were cut off, and left the browser's folders in the temporary folder under load.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { PARENT_PID_ENV } from '../../../scripts/lib/parent-pid';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const endWithParent = new URL('scripts/lib/end-with-parent.ts', `file://${root}/`).href;
const dir = mkdtempSync(join(tmpdir(), 'end-with-parent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A parent that starts a child under end-with-parent, telling it its id as the build's processes do, and exits 0.3 s later (or
 * at once, `early`: before the child has loaded anything). The child writes `done` 1.2 s later ('plain', or marked as stopping
 * on its own: 'stopping'), or, 'closing', names a close that writes it 0.9 s after the parent is gone (and would run for ever
 * otherwise). Resolves with whether it was written once the child has had the time (a child can take a second to start while
 * the other test files run).
 */
async function orphan(name: string, mode: 'plain' | 'stopping' | 'closing', early = false): Promise<boolean> {
  const done = join(dir, name);
  const child = `
    import { writeFileSync } from 'node:fs';
    import { stoppingOnItsOwn, whenParentGone } from ${JSON.stringify(endWithParent)};
    const write = () => writeFileSync(${JSON.stringify(done)}, 'done');
    ${mode === 'stopping' ? 'stoppingOnItsOwn(); setTimeout(write, 1200);' : ''}
    ${mode === 'plain' ? 'setTimeout(write, 1200);' : ''}
    ${mode === 'closing' ? 'whenParentGone(() => new Promise((closed) => setTimeout(() => closed(write()), 900))); setInterval(() => {}, 1000);' : ''}
  `;
  const parent = `
    import { spawn } from 'node:child_process';
    spawn(process.execPath, ['--import', ${JSON.stringify(endWithParent)}, '--input-type=module', '-e', ${JSON.stringify(child)}], {
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, ${JSON.stringify(PARENT_PID_ENV)}: String(process.pid) },
    }).unref();
    ${early ? 'process.exit(0);' : 'setTimeout(() => process.exit(0), 300);'}
  `;
  await new Promise((exited) => spawn(process.execPath, ['--input-type=module', '-e', parent], { stdio: 'ignore' }).on('exit', exited));
  await new Promise((r) => setTimeout(r, 4000));
  return existsSync(done);
}

it('stops an orphan at once, but lets one stopping on its own finish, and one close what it named first', async () => {
  const [cut, finished, closed] = await Promise.all([orphan('cut', 'plain'), orphan('finished', 'stopping'), orphan('closed', 'closing')]);
  expect({ cut, finished, closed }).toEqual({ cut: false, finished: true, closed: true });
});

it('stops an orphan whose parent was gone before it had loaded anything', async () => {
  // Its own parent id is by then its adopter's: only the id its parent told it shows that the parent is gone.
  expect(await orphan('cut-early', 'plain', true)).toBe(false);
});

it('keeps a process told a parent that is alive but not its own (started through something between them)', async () => {
  const done = join(dir, 'between');
  const other = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const child = `import { writeFileSync } from 'node:fs'; setTimeout(() => writeFileSync(${JSON.stringify(done)}, 'done'), 1200);`;
    const run = spawn(process.execPath, ['--import', endWithParent, '--input-type=module', '-e', child], {
      stdio: 'ignore',
      env: { ...process.env, [PARENT_PID_ENV]: String(other.pid) },
    });
    await new Promise((exited) => run.on('exit', exited));
    expect(existsSync(done), 'it ran to its end').toBe(true);
  } finally {
    other.kill();
  }
});
