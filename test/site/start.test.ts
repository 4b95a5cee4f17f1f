/**
 * `npm start` serves the output folder it builds (SITE_OUT_DIR, as `npm run build` writes it), and goes on serving the newest
 * site after a later build swaps a new folder in (`npm run build`, or `npm run build -- --watch` in another terminal): a page
 * added since is found, and a changed page is sent whole, as it now is.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/free-port';

const dir = mkdtempSync(join(tmpdir(), 'start-'));
const center = join(dir, 'center');
const out = join(dir, 'site');
const env = { ...process.env, SITE_OUT_DIR: out, SITE_CACHE_DIR: join(dir, 'cache'), SITE_PDF: 'skip', FORCE_COLOR: '0' };
let server: ChildProcessByStdio<null, Readable, Readable> | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function build(): void {
  const result = spawnSync(process.execPath, ['scripts/build.ts', '--content', center], { env, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
}

it('serves the folder it was given, and the newest site after a later build swapped it in', { timeout: 180_000 }, async () => {
  cpSync('test/fixtures/centers/qpcr', center, { recursive: true });
  build();
  const port = await freePort();
  server = spawn(process.execPath, ['scripts/start.ts', '--content', center], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((ready, fail) => {
    const read = (c: Buffer) => {
      output += c.toString();
      if (output.includes('[start] serving')) ready();
    };
    server!.stdout.on('data', read);
    server!.stderr.on('data', read);
    server!.on('exit', () => fail(new Error(`npm start stopped:\n${output}`)));
  });
  // It serves the folder of SITE_OUT_DIR (building it again first when another center was served last).
  expect(output).toContain(`serving ${out} at`);
  const base = `http://127.0.0.1:${port}`;
  // A connection of its own for each request: a kept-alive one can be closed by the server's idle timeout (5 s, about as long
  // as a build) just as the next request goes out on it.
  const get = (path: string) =>
    new Promise<{ status: number; text: string; length: number }>((done, fail) => {
      httpGet(base + path, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => done({ status: response.statusCode!, text: body, length: Number(response.headers['content-length'] ?? -1) }));
      }).on('error', (error) => fail(new Error(`${path}: ${error.message}\n${output.slice(-3000)}`)));
    });
  const before = await get('/faq/melt-curve/');
  expect(before.status).toBe(200);
  expect(before.text).not.toContain('Added after the server started');
  expect((await get('/faq/added-later/')).status).toBe(404);
  expect((await get('/no-such-page/')).text).not.toContain('Renamed Between Requests Center');

  // A change and a new question, built while the server runs.
  const faq = join(center, 'faq', 'melt-curve.mdx');
  writeFileSync(faq, `${readFileSync(faq, 'utf8')}\nAdded after the server started: a longer answer than before.\n`);
  writeFileSync(
    join(center, 'faq', 'added-later.mdx'),
    `---\nquestion: Was this question added after the server started?\nsummary: Yes, and the server finds it.\norder: 9\ntopics:\n  - assay-design\n---\n\nIt was written while the server ran.\n`,
  );
  build();
  // And a third build at once, with no request between: the folder swapped in may then get the first one's inode number back.
  const siteFile = join(center, 'site.yaml');
  writeFileSync(siteFile, readFileSync(siteFile, 'utf8').replace(/^name: .*$/m, 'name: Renamed Between Requests Center'));
  build();

  const missing = await get('/no-such-page/');
  expect(missing.status).toBe(404);
  expect(missing.text).toContain('Renamed Between Requests Center');
  const after = await get('/faq/melt-curve/');
  expect(after.status).toBe(200);
  expect(after.text).toContain('Added after the server started: a longer answer than before.');
  expect(after.text).toContain('</html>');
  expect(after.length).toBe(Buffer.byteLength(after.text));
  const added = await get('/faq/added-later/');
  expect(added.status).toBe(200);
  expect(added.text).toContain('It was written while the server ran.');
});
