/** A build killed half-way leaves its staging folder; the next build removes it, and keeps a running build's own. */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'leftovers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('removes the staging folders of builds that are gone, and only those', () => {
  const content = join(dir, 'center');
  cpSync('test/fixtures/centers/minimal', content, { recursive: true });
  // A process id no process has (above the kernel's limit), and one that is alive: this test's own.
  const dead = join(dir, '.4194305.staging-dist');
  const running = join(dir, `.${process.pid}.staging-dist`);
  for (const folder of [dead, `${dead}.old`, running]) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'index.html'), 'half a site');
  }
  const result = spawnSync(process.execPath, ['scripts/build.ts', '--content', content], {
    env: { ...process.env, SITE_OUT_DIR: join(dir, 'dist'), SITE_CACHE_DIR: join(dir, 'cache'), SITE_PDF: 'skip' },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toContain('[build] removed .4194305.staging-dist, left by a build that did not finish');
  expect(existsSync(dead)).toBe(false);
  expect(existsSync(`${dead}.old`)).toBe(false);
  expect(existsSync(running)).toBe(true);
  expect(existsSync(join(dir, 'dist/index.html'))).toBe(true);
});

/**
 * A build of a copy of the RT-qPCR center with a temporary folder of its own (`tmp`); `searchFiles` lists the search index's
 * temporary files there, and `stepsStarted` waits until the steps' process has made its one.
 */
function startBuild(name: string, options: { detached?: boolean } = {}) {
  const content = join(dir, `center-${name}`);
  cpSync('test/fixtures/centers/qpcr', content, { recursive: true });
  const tmp = join(dir, `tmp-${name}`);
  mkdirSync(tmp);
  const build = spawn(process.execPath, ['scripts/build.ts', '--content', content], {
    env: { ...process.env, SITE_OUT_DIR: join(dir, `dist-${name}`), SITE_CACHE_DIR: join(dir, `cache-${name}`), TMPDIR: tmp },
    stdio: 'ignore',
    ...options,
  });
  const searchFiles = () => readdirSync(tmp).filter((file) => file.startsWith('support-center-search-'));
  const stepsStarted = async () => {
    for (let i = 0; i < 600 && searchFiles().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(searchFiles(), 'the steps started').toHaveLength(1);
  };
  return { content, build, searchFiles, stepsStarted };
}

// Before scripts/lib/end-with-parent.ts, Astro mostly died too, but only when it next wrote to the dead script's pipe (EPIPE):
// through a silent stretch it wrote on into the staging folder. This guards the deterministic stop.
it('stops Astro when the build script is killed outright (kill -9), instead of leaving it to write on', async () => {
  const { content, build, searchFiles, stepsStarted } = startBuild('killed');
  // Astro is the build script's child running Astro's own CLI; wait until it has started.
  const astroPid = async (): Promise<number | undefined> => {
    for (let i = 0; i < 400; i++) {
      const children = spawnSync('pgrep', ['-P', String(build.pid)], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean)
        .map(Number);
      const astro = children.find((pid) => /astro\.mjs/.test(spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout));
      if (astro) return astro;
      await new Promise((r) => setTimeout(r, 50));
    }
    return undefined;
  };
  const astro = await astroPid();
  expect(astro, 'Astro started').toBeDefined();
  // Killed once the steps' process has started too: its search thread's file is there.
  await stepsStarted();
  build.kill('SIGKILL');
  // Running, as opposed to gone or ended and waiting to be reaped (a zombie, state Z, which init reaps in its own time).
  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  let gone = false;
  for (let i = 0; i < 50 && !gone; i++) {
    await new Promise((r) => setTimeout(r, 100));
    gone = !alive(astro!);
  }
  if (!gone) process.kill(astro!, 'SIGKILL');
  expect(gone, 'Astro stopped within 5 s of its build script').toBe(true);
  // So does the steps' process that Astro started (its command line names the center), within a second of Astro. Before this
  // was waited for, the folder was removed under it while it still wrote there (ENOTEMPTY in a CI run).
  const others = () => spawnSync('pgrep', ['-f', '--', content], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number).filter(alive);
  for (let i = 0; i < 50 && others().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(others().map((pid) => spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim())).toEqual([]);
  // The steps' process removes the search index's temporary file as it stops. (A browser it had started is the browser
  // library's to clean up: it kills the browser as the process exits, and may leave the browser's profile folder.)
  expect(searchFiles()).toEqual([]);
}, 60_000);

it('removes the search index\'s temporary file when Ctrl+C stops the build (the whole process group gets the signal)', async () => {
  // A group of its own, as a terminal gives a command: the signal goes to every process in it.
  const { build, searchFiles, stepsStarted } = startBuild('interrupted', { detached: true });
  const ended = new Promise((done) => build.once('exit', done));
  await stepsStarted();
  process.kill(-build.pid!, 'SIGINT');
  await ended;
  // Every process of the group gone.
  for (let i = 0; i < 50 && spawnSync('pgrep', ['-g', String(build.pid)]).status === 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(spawnSync('pgrep', ['-g', String(build.pid)]).status).not.toBe(0);
  expect(searchFiles()).toEqual([]);
}, 60_000);

it('leaves nothing in the temporary folder, whether the build succeeds or fails', () => {
  // The search index's pages wait in a temporary file (300 MB at 10,000 pages), and the browsers keep profiles there: a build
  // that failed once left its file behind each time, so a lab PC's temporary folder filled with them.
  const content = join(dir, 'center-tmp');
  cpSync('test/fixtures/centers/qpcr', content, { recursive: true });
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const build = (env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['scripts/build.ts', '--content', content], {
      env: { ...process.env, TMPDIR: tmp, SITE_OUT_DIR: join(dir, 'dist-tmp'), SITE_CACHE_DIR: join(dir, 'cache-tmp'), ...env },
      encoding: 'utf8',
    });
  // With its PDFs printed: the printing browser starts.
  const built = build();
  expect(built.status, built.stdout + built.stderr).toBe(0);
  expect(built.stdout).toMatch(/pdf export: .* 1 browser launch/);
  expect(readdirSync(tmp)).toEqual([]);
  // A diagram that does not parse fails the build in Astro, after the steps have started (the content checks, which stop a
  // build before Astro starts, leave diagrams to the renderer).
  const protocol = join(content, 'protocols/two-step-rt-qpcr.mdx');
  writeFileSync(protocol, readFileSync(protocol, 'utf8').replace('["RNA check"] --> B["DNase"]', '["RNA check"] -->> B["DNase"]'));
  const failed = build({ SITE_PDF: 'skip' });
  expect(failed.status).not.toBe(0);
  expect(failed.stdout + failed.stderr).toContain('diagram-parse');
  expect(failed.stdout).toContain('Syncing content');
  expect(readdirSync(tmp)).toEqual([]);
}, 180_000);
