/**
 * `npm run build -- --watch`: builds, then builds again when the center changes, with Astro kept loaded in between. What an
 * author would notice: an edit shows up in the built site (pages, search index, offline zip), the rebuilt site is the one a
 * one-off build writes (byte for byte, PDFs and the zip included), a change to site.yaml reaches every page (Astro starts afresh for it), a
 * content error leaves the last good site and the watch running, the build's own writes (the diagram cache) start no build, and stopping it leaves nothing behind.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { unzipSync } from 'fflate';
import { afterAll, expect, it } from 'vitest';
import { listFiles, loadPage } from '../helpers/built-site';

const dir = mkdtempSync(join(tmpdir(), 'watch-'));
const center = join(dir, 'center');
const out = join(dir, 'watched');
const env = { ...process.env, SOURCE_DATE_EPOCH: '1764547200', FORCE_COLOR: '0' };
let watch: ChildProcessByStdio<null, Readable, Readable> | undefined;
afterAll(() => {
  watch?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The processes of a watch of `center` still running: Astro's runner, a browser, a steps process. */
function runningFor(center: string): string[] {
  return spawnSync('pgrep', ['-af', 'astro-watch-runner|chrom|steps-process'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => {
      // A process that ends between pgrep and the read (a zombie's environment reads empty) is not one left running.
      try {
        return line !== '' && readFileSync(`/proc/${line.split(' ')[0]}/environ`, 'utf8').includes(center);
      } catch {
        return false;
      }
    });
}

let output = '';
/** Waits until the watch has ended `count` builds (done or failed) and says it is watching again. */
async function builds(count: number): Promise<string> {
  const deadline = Date.now() + 110_000;
  for (;;) {
    const ended = output.match(/^\[build\] (?:done in|FAILED)/gm)?.length ?? 0;
    const watching = output.match(/^\[build\] watching /gm)?.length ?? 0;
    if (ended >= count && watching >= count) return output;
    if (watch?.exitCode !== null || Date.now() > deadline) throw new Error(`the watch did not end build ${count}:\n${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the watch wrote since the last change it saw, without Astro's colours. */
const lastBuild = () => output.slice(output.lastIndexOf('[build] changed:')).replace(/\x1b\[[0-9;]*m/g, '');

function hashes(root: string): Map<string, string> {
  return new Map(
    listFiles(root).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(root, f)))
        .digest('hex'),
    ]),
  );
}

function zippedText(root: string, path: string): string {
  const [zip] = readdirSync(join(root, 'downloads')).filter((f) => f.endsWith('.zip'));
  const files = unzipSync(readFileSync(join(root, 'downloads', zip!)));
  const entry = Object.keys(files).find((name) => name.endsWith(path));
  return entry ? new TextDecoder().decode(files[entry]) : '';
}

it('rebuilds on an edit, writes what a one-off build writes, survives a content error and stops cleanly', { timeout: 300_000 }, async () => {
  cpSync('test/fixtures/centers/qpcr', center, { recursive: true });
  // The first build renders the diagram and writes its render into the center's folder, as a new diagram would.
  rmSync(join(center, '.diagram-cache'), { recursive: true });
  // An image beside an entry (a 1 × 1 PNG): Astro writes its optimised file only for a page it renders in that build.
  writeFileSync(
    join(center, 'faq', 'dot.png'),
    Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
  );
  writeFileSync(join(center, 'faq', 'rna-quality.mdx'), `${readFileSync(join(center, 'faq', 'rna-quality.mdx'), 'utf8')}\n![A single dot](./dot.png)\n`);
  // A temporary folder of its own: stopping the watch must leave it empty (the browsers' folders included).
  mkdirSync(join(dir, 'tmp'));
  watch = spawn(process.execPath, ['scripts/build.ts', '--watch', '--content', center], {
    env: { ...env, SITE_OUT_DIR: out, SITE_CACHE_DIR: join(dir, 'cache-watched'), TMPDIR: join(dir, 'tmp') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  watch.stdout.on('data', (c: Buffer) => (output += c.toString()));
  watch.stderr.on('data', (c: Buffer) => (output += c.toString()));

  await builds(1);
  expect(output).toMatch(/^\[build\] done in/m);
  // The next build's output steps are started when a build ends, and load while the author edits.
  const stepsWaiting = () =>
    spawnSync('pgrep', ['-f', `steps-process\\.ts ${center} `], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .filter(Boolean).length;
  await expect.poll(stepsWaiting).toBe(1);
  expect(readdirSync(join(center, '.diagram-cache')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  const faqFile = join(center, 'faq', 'melt-curve.mdx');
  expect(loadPage(out, '/faq/melt-curve/')('main').text()).not.toContain('Edited while watching');

  // An author's edit: the page, the search index and the offline copy show it.
  writeFileSync(faqFile, `${readFileSync(faqFile, 'utf8')}\nEdited while watching: a sentence with 37 °C in it.\n`);
  await builds(2);
  expect(output).toContain('[build] changed: ');
  expect(output).toMatch(/changed: .*melt-curve\.mdx/);
  expect(loadPage(out, '/faq/melt-curve/')('main').text()).toContain('Edited while watching: a sentence with 37 °C in it.');
  expect(zippedText(out, 'faq/melt-curve/index.html')).toContain('Edited while watching');
  const fragments = readdirSync(join(out, 'pagefind', 'fragment'));
  expect(fragments.some((f) => readFileSync(join(out, 'pagefind', 'fragment', f)).length > 0)).toBe(true);
  // Each build's log counts its own browsers: this one started none (it once counted the first build's too).
  expect(lastBuild()).toMatch(/\[diagrams\] 0 rendered, \d+ from cache, 0 browser launches/);
  // The pages of the six entries that did not change (of four FAQs, three protocols and a guide) were written as they were, but
  // for the one with an image, which is rendered again with its image's file.
  expect(lastBuild()).toContain('6 page(s) kept from the last build, unchanged');
  // The search index read again only the edited page: the first build's steps kept what it made of each page for this one.
  expect(lastBuild()).toContain(`(${listFiles(out).filter((f) => f.endsWith('.html')).length - 1} read as in the last build)`);
  expect(loadPage(out, '/faq/rna-quality/')('img[alt="A single dot"]').attr('src')).toMatch(/^\/_astro\/dot\.[^"]+\.webp$/);

  // An edited diagram renders in the browser the first build started, kept by the watch: none is launched for it.
  const protocolFile = join(center, 'protocols', 'two-step-rt-qpcr.mdx');
  writeFileSync(protocolFile, readFileSync(protocolFile, 'utf8').replace('D["qPCR and melt curve"]', 'D["qPCR, melt curve edited"]'));
  await builds(3);
  expect(lastBuild()).toContain('[diagrams] 1 rendered beside the pages');
  expect(lastBuild()).toMatch(/\[diagrams\] 0 rendered, \d+ from cache, 0 browser launches/);
  // Letters only: the label wraps over two lines of the SVG.
  expect(loadPage(out, '/protocols/two-step-rt-qpcr/')('figure svg').text().replace(/\s+/g, '')).toContain('qPCR,meltcurveedited');

  // A frontmatter edit, Astro's process kept: the page shows the new question (the runner keeps each file's parsed frontmatter
  // only while the file's text is the same).
  const rnaFile = join(center, 'faq', 'rna-quality.mdx');
  writeFileSync(rnaFile, readFileSync(rnaFile, 'utf8').replace(/^question: .*$/m, 'question: Is my RNA good enough, asked while watching?'));
  await builds(4);
  expect(loadPage(out, '/faq/rna-quality/')('h1').text()).toContain('Is my RNA good enough, asked while watching?');
  // Its neighbours link it by its question: no page is kept when an entry's fields change.
  expect(lastBuild()).toContain('0 page(s) kept from the last build');
  expect(loadPage(out, '/faq/melt-curve/')('a[href$="/faq/rna-quality/"]').text()).toContain('asked while watching');

  // A body edit after it, saved as editors save (vim's file to test the folder, a backup, JetBrains' safe-write copy, Emacs's
  // autosave, which stays): the other pages are kept again, from the build that rendered them with the new question, in the
  // same Astro process.
  const genesFile = join(center, 'faq', 'reference-genes.mdx');
  const genes = readFileSync(genesFile, 'utf8');
  writeFileSync(join(center, 'faq', '4913'), '');
  rmSync(join(center, 'faq', '4913'));
  writeFileSync(`${genesFile}~`, genes);
  writeFileSync(`${genesFile}___jb_tmp___`, genes);
  rmSync(`${genesFile}___jb_tmp___`);
  writeFileSync(join(center, 'faq', '#reference-genes.mdx#'), genes);
  writeFileSync(genesFile, `${genes}\nAnother sentence, edited while watching.\n`);
  await builds(5);
  expect(lastBuild()).toContain('6 page(s) kept from the last build, unchanged');
  // The search index read again only what changed: the edited page, of the site's pages.
  const pages = listFiles(out).filter((f) => f.endsWith('.html')).length;
  expect(lastBuild()).toContain(`(${pages - 1} read as in the last build)`);
  expect(loadPage(out, '/faq/reference-genes/')('main').text()).toContain('Another sentence, edited while watching.');
  expect(loadPage(out, '/faq/melt-curve/')('a[href$="/faq/rna-quality/"]').text()).toContain('asked while watching');

  // The same content built once, from scratch, in a process of its own: the same files, byte for byte.
  const oneOff = spawnSync(process.execPath, ['scripts/build.ts', '--content', center], {
    env: { ...env, SITE_OUT_DIR: join(dir, 'one-off'), SITE_CACHE_DIR: join(dir, 'cache-one-off') },
    encoding: 'utf8',
  });
  expect(oneOff.status, oneOff.stderr).toBe(0);
  const [watched, once] = [hashes(out), hashes(join(dir, 'one-off'))];
  expect([...watched.keys()].filter((f) => f.endsWith('.pdf')).length).toBeGreaterThanOrEqual(3);
  expect([...once].filter(([file, hash]) => watched.get(file) !== hash).map(([file]) => file)).toEqual([]);
  expect(watched.size).toBe(once.size);

  // An entry's edit kept Astro's process; the center's site.yaml is read once by modules Astro loads, so a change to it starts
  // Astro afresh: the pages and the offline zip then carry the new name together (a stale page would link the zip's old name,
  // and the link check would fail the build).
  expect(output).not.toContain('with Astro started afresh');
  const siteFile = join(center, 'site.yaml');
  writeFileSync(siteFile, readFileSync(siteFile, 'utf8').replace(/^name: .*$/m, 'name: Renamed While Watching Center'));
  await builds(6);
  expect(output).toMatch(/changed: .*site\.yaml; building again, with Astro started afresh/);
  expect(output.slice(output.lastIndexOf('[build] changed:'))).toMatch(/^\[build\] done in/m);
  expect(loadPage(out, '/faq/melt-curve/')('title').text()).toContain('Renamed While Watching Center');
  expect(readdirSync(join(out, 'downloads'))).toEqual(['renamed-while-watching-center-offline.zip']);

  // A content error: the build fails with the file named, the last good site stays, and the watch goes on.
  const good = readFileSync(faqFile, 'utf8');
  writeFileSync(faqFile, good.replace(/^question: .*$/m, 'question:'));
  await builds(7);
  expect(output.slice(output.lastIndexOf('[build] changed:'))).toMatch(/melt-curve\.mdx:\d+:\d+[\s\S]*\[build\] FAILED/);
  expect(loadPage(out, '/faq/melt-curve/')('main').text()).toContain('Edited while watching');
  expect(watch.exitCode).toBeNull();
  writeFileSync(faqFile, good.replace('Edited while watching', 'Fixed while watching'));
  await builds(8);
  expect(loadPage(out, '/faq/melt-curve/')('main').text()).toContain('Fixed while watching');

  // Nothing the builds wrote (the diagram cache among them) started another build.
  await new Promise((r) => setTimeout(r, 1500));
  expect(output.match(/^\[build\] changed:/gm)).toHaveLength(7);

  // Stopping: exit 0, no staging folder, no Astro and no browser left running.
  watch.kill('SIGTERM');
  const code = await new Promise((r) => watch!.once('exit', r));
  expect(code).toBe(0);
  expect(readdirSync(dir).filter((f) => f.includes('staging'))).toEqual([]);
  // The runners' files of what the search index made of each page went with them (two runners: site.yaml started another).
  expect(readdirSync(join(dir, 'cache-watched')).filter((f) => f.startsWith('search-memo'))).toEqual([]);
  // Nothing of it still runs once it has exited, so nothing writes on into its folders: Astro's runner, the diagram browser it
  // kept between builds, and the steps it started for the next build (they once ended a moment after it).
  expect(runningFor(center)).toEqual([]);
  expect(readdirSync(dir).filter((f) => f.endsWith('.failure'))).toEqual([]);
  // The diagram browser kept between builds closed, and Playwright removed its folders (they stayed after every watch before).
  expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
});

it("ends, with a reason and exit code 1, when the center's folder is removed", { timeout: 120_000 }, async () => {
  const gone = join(dir, 'gone');
  cpSync('test/fixtures/centers/minimal', gone, { recursive: true });
  const child = spawn(process.execPath, ['scripts/build.ts', '--watch', '--content', gone], {
    env: { ...env, SITE_OUT_DIR: join(dir, 'gone-site'), SITE_CACHE_DIR: join(dir, 'cache-gone'), SITE_PDF: 'skip' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  for (let i = 0; i < 1200 && !/^\[build\] watching /m.test(text); i++) await new Promise((r) => setTimeout(r, 50));
  expect(text).toMatch(/^\[build\] done in/m);
  rmSync(gone, { recursive: true });
  expect(await exited).toBe(1);
  expect(text).toContain(`[build] ${gone} is gone: nothing left to watch.`);
  // The runner, and the next build's steps it had started (which failed as the center went), ended before the watch: nothing
  // writes on (a failure file written after the watch had exited once failed this file's clean-up).
  expect(runningFor(gone)).toEqual([]);
  const before = readdirSync(dir).sort();
  await new Promise((r) => setTimeout(r, 2000));
  expect(readdirSync(dir).sort()).toEqual(before);
  expect(before.filter((f) => f.includes('staging'))).toEqual([]);
});
