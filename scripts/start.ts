/**
 * `npm start`: builds the site if `dist/` is missing, older than its sources,
 * or built from another center, then serves `dist/` on http://localhost:4321
 * (PORT to change it). `npm start -- --content <dir>` serves another center;
 * SITE_OUT_DIR serves (and builds) another folder, as `npm run build` writes it.
 * A later build's site (`npm run build`, or `npm run build -- --watch` in another
 * terminal) is served from the moment it is swapped in.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { contentArg } from './lib/content-arg.ts';
import { COMPILE_CACHE_FIRST } from './lib/compile-cache.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = resolve(root, process.env.SITE_OUT_DIR ?? 'dist');
const port = Number(process.env.PORT ?? 4321);
const { contentDir } = contentArg(process.argv.slice(2), root);
/** Which center dist/ was built from, so that switching centers rebuilds. */
const stamp = join(root, 'node_modules', '.cache', 'support-center', 'last-start-content');

/** Newest modification time under the given folders and files. */
function newest(paths: string[]): number {
  let latest = 0;
  for (const path of paths.map((p) => resolve(root, p)).filter(existsSync)) {
    const stat = statSync(path);
    if (stat.isFile()) latest = Math.max(latest, stat.mtimeMs);
    else
      for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
      }
  }
  return latest;
}

const builtAt = existsSync(join(distDir, 'index.html')) ? statSync(join(distDir, 'index.html')).mtimeMs : 0;
const sameCenter = existsSync(stamp) && readFileSync(stamp, 'utf8') === contentDir;
if (!sameCenter || builtAt < newest([contentDir, 'src', 'public', 'astro.config.mjs', 'package.json'])) {
  console.log(
    !builtAt
      ? '[start] no build yet: building.'
      : !sameCenter
        ? `[start] building ${contentDir}.`
        : '[start] sources changed since the last build: rebuilding.',
  );
  // Without a browser the site is still built and served, without PDFs; the build says so.
  const build = spawnSync(process.execPath, ['--import', COMPILE_CACHE_FIRST, join(root, 'scripts/build.ts')], { stdio: 'inherit', env: { ...process.env, SITE_PDF: 'optional' } });
  if (build.status !== 0) process.exit(build.status ?? 1);
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, contentDir);
}

/** The security headers the build wrote for static hosts (`_headers`, for every path), sent with every response here too. */
function securityHeaders(): [string, string][] {
  const file = join(distDir, '_headers');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^\s+[\w-]+:\s/.test(line))
    .map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]);
}
/**
 * The site as it is now. A build swaps a new folder in under the same name (scripts/build.ts): sirv looks each file up when it
 * is asked for (its dev mode; with no cache headers, so a browser asks again after a rebuild), and the security headers and
 * the 404 page are read again when the folder is a new one (its inode and birth time: an inode number alone is reused by the
 * next swap but one).
 */
const serve = sirv(distDir, { dev: true, etag: true });
let site: { folder: string; headers: [string, string][]; notFound: Buffer } | undefined;
function current(): NonNullable<typeof site> {
  const stat = statSync(distDir, { throwIfNoEntry: false });
  // Between the swap's two renames there is no folder, for microseconds: the last one answers.
  const folder = stat ? `${stat.ino}:${stat.birthtimeMs}:${stat.ctimeMs}` : undefined;
  if (site && (folder === undefined || folder === site.folder)) return site;
  try {
    site = { folder: folder ?? '', headers: securityHeaders(), notFound: readFileSync(join(distDir, '404.html')) };
  } catch (error) {
    // Swapped again while it was read: the next request reads the newest.
    if (!site) throw error;
  }
  return site;
}
current();
const server = createServer((req, res) => {
  const { headers, notFound } = current();
  // Set before sirv answers: its own headers are added to these, for a file and for the 404 page alike.
  for (const [name, value] of headers) res.setHeader(name, value);
  serve(req, res, () => {
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(notFound);
  });
});
// A file that a swap took away between sirv's look-up and its read (a window of microseconds): that request fails, the server
// goes on. Anything else still stops it.
process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
  if (error.code === 'ENOENT' && error.syscall === 'open') console.error(`[start] a file went away while it was sent (a rebuild): ${error.path}`);
  else throw error;
});
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE' ? `[start] port ${port} is in use: stop the other server or set PORT, e.g. PORT=8080 npm start.` : `[start] ${error.message}`,
  );
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`[start] serving ${distDir} at http://localhost:${port}/  (Ctrl+C to stop)`);
});
