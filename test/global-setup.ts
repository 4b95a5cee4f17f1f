/**
 * Builds each center the site and browser tests read, once, with the real
 * build command, into a temporary folder, and serves each on localhost:
 * - the default center (`content/`): the content tests and the browser tests written against it;
 * - the second-topic fixture (`test/fixtures/centers/qpcr`), copied out of the repository first, as a
 *   center that lives outside the generator does: the generator tests;
 * - the minimal fixture (`test/fixtures/centers/minimal`): a new center with nothing but its required files.
 * The site and browser projects share the builds (one promise per test process).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sirv from 'sirv';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder holding the built default center. */
    distDir: string;
    /** http://127.0.0.1:port serving `distDir`. */
    baseUrl: string;
    /** The second-topic fixture center's content folder (a copy outside the repository). */
    fixtureContentDir: string;
    /** Folder holding the built fixture center. */
    fixtureDistDir: string;
    /** http://127.0.0.1:port serving `fixtureDistDir`. */
    fixtureBaseUrl: string;
    /** The generator's `git status --porcelain` just before the fixture center was built. */
    gitStatusBefore: string;
    /** The same, just after. */
    gitStatusAfter: string;
    /** The minimal fixture center (test/fixtures/centers/minimal, as `npm run new -- center` writes it), built without PDFs, and served. */
    minimalDistDir: string;
    minimalBaseUrl: string;
  }
}

interface Built {
  provided: Record<string, string>;
  servers: Server[];
  workDir: string;
}

const KEY = Symbol.for('support-center.test-builds');
type Holder = { [KEY]?: Promise<Built>; users?: number };
const holder = globalThis as Holder;

function build(contentDir: string | undefined, outDir: string, env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(process.execPath, ['scripts/build.ts', ...(contentDir ? ['--content', contentDir] : [])], {
    env: { ...process.env, SITE_OUT_DIR: outDir, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${contentDir ?? 'content/'} did not build:\n${result.stdout}\n${result.stderr}`);
}

async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer(sirv(dir, { dev: true, etag: false }));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function buildAll(): Promise<Built> {
  const workDir = mkdtempSync(join(tmpdir(), 'support-center-test-'));
  const distDir = join(workDir, 'dist');
  build(undefined, distDir);
  const fixtureContentDir = join(workDir, 'qpcr-center');
  cpSync('test/fixtures/centers/qpcr', fixtureContentDir, { recursive: true });
  const fixtureDistDir = join(workDir, 'qpcr-dist');
  const gitStatus = () => spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { encoding: 'utf8' }).stdout;
  const gitStatusBefore = gitStatus();
  build(fixtureContentDir, fixtureDistDir);
  const gitStatusAfter = gitStatus();
  const minimalContentDir = join(workDir, 'minimal-center');
  cpSync('test/fixtures/centers/minimal', minimalContentDir, { recursive: true });
  const minimalDistDir = join(workDir, 'minimal-dist');
  build(minimalContentDir, minimalDistDir);
  const [main, fixture, minimal] = await Promise.all([serve(distDir), serve(fixtureDistDir), serve(minimalDistDir)]);
  return {
    workDir,
    servers: [main.server, fixture.server, minimal.server],
    provided: {
      distDir,
      baseUrl: main.url,
      fixtureContentDir,
      fixtureDistDir,
      fixtureBaseUrl: fixture.url,
      gitStatusBefore,
      gitStatusAfter,
      minimalDistDir,
      minimalBaseUrl: minimal.url,
    },
  };
}

export async function setup(project: TestProject) {
  holder[KEY] ??= buildAll();
  holder.users = (holder.users ?? 0) + 1;
  const built = await holder[KEY];
  for (const [key, value] of Object.entries(built.provided)) project.provide(key as 'distDir', value);
}

export async function teardown() {
  holder.users = (holder.users ?? 1) - 1;
  if (holder.users > 0 || !holder[KEY]) return;
  const built = await holder[KEY];
  await Promise.all(built.servers.map((s) => new Promise((done) => s.close(done))));
  rmSync(built.workDir, { recursive: true, force: true });
}
