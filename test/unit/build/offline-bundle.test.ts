/**
 * The offline bundle's zip is written as it is made (src/build/offline-bundle.ts): a file stored as it is (a PDF) is read again
 * from disk when its turn comes instead of being held from the moment it is packed, and the zip goes to its file entry by entry.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it, vi } from 'vitest';

setFlagsFromString('--expose-gc');
/** V8's full garbage collection, as `--expose-gc` gives it. */
const collectGarbage = runInNewContext('gc') as () => void;

const dir = mkdtempSync(join(tmpdir(), 'offline-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const center = join(import.meta.dirname, '../../fixtures/centers/minimal');

const page = (title: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1></main></body></html>`;

/** A built site: one page, one PDF of `pdfBytes` random bytes, an empty search folder. */
function site(name: string, pdfBytes: number): { root: string; pdf: Buffer } {
  const root = join(dir, name);
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(pdfBytes)]);
  for (const [path, data] of [
    ['index.html', Buffer.from(page('Home'))],
    ['pdf/protocol.pdf', pdf],
    ['pagefind/pagefind-entry.json', Buffer.from('{}')],
  ] as const) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
  return { root, pdf };
}

/** The bundle module as a build with `SITE_BUNDLE_BUDGET_KB=budgetKb` loads it. */
async function bundleModule(budgetKb?: number) {
  vi.resetModules();
  if (budgetKb === undefined) delete process.env.SITE_BUNDLE_BUDGET_KB;
  else process.env.SITE_BUNDLE_BUDGET_KB = String(budgetKb);
  try {
    return await import('../../../src/build/offline-bundle');
  } finally {
    delete process.env.SITE_BUNDLE_BUDGET_KB;
  }
}

/** Packs the site's page and PDF as the page pass does (the PDF with its place on disk), then writes the zip. */
async function pack(root: string, budgetKb?: number, between?: () => void) {
  const { startOfflineBundle } = await bundleModule(budgetKb);
  const bundle = startOfflineBundle({ contentDir: center, name: 'copy', buildDate: '2026-11-29' });
  await bundle.add('index.html', readFileSync(join(root, 'index.html')));
  await bundle.add('pdf/protocol.pdf', readFileSync(join(root, 'pdf/protocol.pdf')), join(root, 'pdf/protocol.pdf'));
  between?.();
  return bundle.finish(root);
}

describe('the offline zip', () => {
  it("stamps its pages with the content and the day of the build's first page, not of the bundle's start", async () => {
    // A watch starts the next build's steps when a build ends (scripts/lib/steps-ahead.ts): the author edits after that.
    const copy = join(dir, 'center-edited');
    cpSync(center, copy, { recursive: true });
    const { root } = site('stamped', 16);
    const { startOfflineBundle, contentVersion } = await bundleModule();
    let day = '2026-11-29';
    const bundle = startOfflineBundle({ contentDir: copy, name: 'copy', buildDate: () => day });
    const before = contentVersion(copy);
    writeFileSync(join(copy, 'site', 'added-after-the-start.mdx'), '---\nquestion: Added later?\n---\n\nYes.\n');
    day = '2026-11-30';
    const after = contentVersion(copy);
    expect(after).not.toBe(before);
    await bundle.add('index.html', readFileSync(join(root, 'index.html')));
    const report = await bundle.finish(root);
    expect(report.contentVersion).toBe(after);
    const home = new TextDecoder().decode(unzipSync(readFileSync(report.zipPath))['copy/index.html']);
    expect(home).toContain(after);
    expect(home).toContain('2026-11-30');
    expect(home).not.toContain(before);
  });

  it('holds a large PDF byte for byte, and says the size of the file it wrote', async () => {
    const { root, pdf } = site('large', 24 * 1024 * 1024);
    const report = await pack(root, 64 * 1024);
    const zip = unzipSync(readFileSync(report.zipPath));
    expect(Buffer.from(zip['copy/pdf/protocol.pdf']!).equals(pdf)).toBe(true);
    expect(new TextDecoder().decode(zip['copy/index.html'])).toContain('<h1>Home</h1>');
    expect(report.zipBytes).toBe(statSync(report.zipPath).size);
    expect(report.zipBytes).toBeGreaterThan(pdf.length);
  });

  it('does not keep a stored file in memory between packing it and writing the zip', async () => {
    const { root, pdf } = site('memory', 48 * 1024 * 1024);
    const { startOfflineBundle } = await bundleModule(256 * 1024);
    const bundle = startOfflineBundle({ contentDir: center, name: 'copy', buildDate: '2026-11-29' });
    let copy: Buffer | undefined = readFileSync(join(root, 'pdf/protocol.pdf'));
    const held = new WeakRef(copy);
    await bundle.add('pdf/protocol.pdf', copy, join(root, 'pdf/protocol.pdf'));
    copy = undefined;
    // The bytes the bundle was given can be collected: it holds their size and checksum only. (A WeakRef's target stays for
    // the rest of the task that made it, hence the wait before collecting.)
    await new Promise((done) => setTimeout(done, 10));
    collectGarbage();
    expect(held.deref() === undefined, 'the bytes given to the bundle are still held').toBe(true);
    await bundle.add('index.html', readFileSync(join(root, 'index.html')));
    const report = await bundle.finish(root);
    expect(Buffer.from(unzipSync(readFileSync(report.zipPath))['copy/pdf/protocol.pdf']!).equals(pdf)).toBe(true);
  });

  it('fails, naming the file, when a stored file changed on disk after it was packed, and leaves no zip', async () => {
    const { root } = site('changed', 4096);
    const file = join(root, 'pdf/protocol.pdf');
    await expect(pack(root, 64 * 1024, () => writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('x')])))).rejects.toThrow(
      'pdf/protocol.pdf changed on disk while the offline bundle was written',
    );
    expect(existsSync(join(root, 'downloads/copy.zip'))).toBe(false);
  });

  it('over its budget, fails with the size it would have had and leaves no zip', async () => {
    const { root } = site('over', 3 * 1024 * 1024);
    await expect(pack(root, 1024)).rejects.toThrow(/^The offline bundle is 30\d\d KB, over its budget of 1024 KB\.$/);
    expect(existsSync(join(root, 'downloads/copy.zip'))).toBe(false);
  });
});

describe('the zip format without ZIP64', () => {
  it('holds as many files as a zip can count', async () => {
    const root = join(dir, 'most');
    mkdirSync(join(root, 'pagefind'), { recursive: true });
    const { startOfflineBundle, ZIP_LIMITS } = await bundleModule(1024 * 1024);
    const bundle = startOfflineBundle({ contentDir: center, name: 'copy', buildDate: '2026-11-29' });
    // With the search pack, exactly as many files as the zip's 16-bit counts hold.
    for (let i = 0; i < ZIP_LIMITS.entries - 1; i++) await bundle.add(`img/${i}.png`, new Uint8Array([i & 0xff]));
    const report = await bundle.finish(root);
    expect(report.files).toBe(65535);
    const zip = unzipSync(readFileSync(report.zipPath));
    expect(Object.keys(zip)).toHaveLength(65535);
    expect(zip['copy/img/65533.png']).toEqual(new Uint8Array([65533 & 0xff]));
  });

  it('fails with the reason, and leaves no zip, for more files than a zip can count', async () => {
    const root = join(dir, 'many');
    mkdirSync(join(root, 'pagefind'), { recursive: true });
    const { startOfflineBundle, ZIP_LIMITS } = await bundleModule(1024 * 1024);
    const bundle = startOfflineBundle({ contentDir: center, name: 'copy', buildDate: '2026-11-29' });
    // Stored files (images), so that the test compresses nothing; with the search pack, one file more than a zip can count.
    for (let i = 0; i < ZIP_LIMITS.entries; i++) await bundle.add(`img/${i}.png`, new Uint8Array([i & 0xff]));
    await expect(bundle.finish(root)).rejects.toThrow(/^The offline bundle would hold 65536 files: a zip without ZIP64 records holds at most 65535 files/);
    expect(existsSync(join(root, 'downloads/copy.zip'))).toBe(false);
  });
});
