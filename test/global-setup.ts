/**
 * Builds the real site once, with the real build command, into a temporary
 * folder, and serves it on localhost for the browser tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sirv from 'sirv';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder holding the built site. */
    distDir: string;
    /** http://127.0.0.1:port serving `distDir`. */
    baseUrl: string;
  }
}

let server: Server | undefined;
let workDir: string | undefined;

export async function setup(project: TestProject) {
  workDir = mkdtempSync(join(tmpdir(), 'hrs-test-'));
  const distDir = join(workDir, 'dist');
  const result = spawnSync(process.execPath, ['scripts/build.ts'], {
    env: { ...process.env, SITE_OUT_DIR: distDir },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`The site did not build:\n${result.stdout}\n${result.stderr}`);
  }
  server = createServer(sirv(distDir, { dev: true, etag: false }));
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  project.provide('distDir', distDir);
  project.provide('baseUrl', `http://127.0.0.1:${port}`);
}

export async function teardown() {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}
