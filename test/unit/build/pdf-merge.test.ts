/**
 * The combined PDF assembled as its parts come (src/build/pdf-merge.ts): the protocols finish printing in whatever order the
 * two printing pages take, and the document must come out the same, in the protocols' order, with the contents in front.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString, StandardFonts, type PDFObject } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENTS_LINK, packEntries, PdfMerger, unpackEntries, type AssemblyPlan } from '../../../src/build/pdf-merge.ts';
import { crossReferenceProblems, readPdf } from '../../helpers/pdf.ts';

/** A part as Chromium prints one, in small: `pages` pages of text, a named destination on its last page, one bookmark to it. */
async function part(name: string, pages: number, view: PDFObject[] = []): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage([300, 400]).drawText(`${name} page ${i}`, { x: 20, y: 300, size: 12, font });
  const ctx = doc.context;
  const last = doc.getPage(pages - 1).ref;
  doc.catalog.set(PDFName.of('Dests'), ctx.obj({ [`${name}-end`]: [last, 'XYZ', 0, 400, 0, ...view] }));
  const outlines = ctx.nextRef();
  const item = ctx.register(ctx.obj({ Title: PDFHexString.fromText(`${name} heading`), Parent: outlines, Dest: [last, 'XYZ', 0, 400, 0] }));
  ctx.assign(outlines, ctx.obj({ Type: 'Outlines', First: item, Last: item, Count: 1 }));
  doc.catalog.set(PDFName.of('Outlines'), outlines);
  return doc;
}

/** A contents page with a link to where each part starts, as pdf-export.ts writes them before the merge. */
async function contents(parts: number): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([300, 400]);
  page.drawText('Contents', { x: 20, y: 350, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  const links = Array.from({ length: parts }, (_, i) =>
    doc.context.register(
      doc.context.obj({
        Type: 'Annot',
        Subtype: 'Link',
        Rect: [20, 300 - 20 * i, 200, 315 - 20 * i],
        A: { S: 'URI', URI: PDFString.of(`${CONTENTS_LINK}${i + 1}`) },
      }),
    ),
  );
  page.node.set(PDFName.of('Annots'), doc.context.obj(links));
  return doc;
}

const sizes = [2, 1, 3];

const scratch = mkdtempSync(join(tmpdir(), 'pdf-merge-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;

async function merged(order: number[]): Promise<Uint8Array> {
  const file = join(scratch, `merged-${++files}.pdf`);
  const merger = new PdfMerger(sizes.length, file);
  const parts = await Promise.all(sizes.map((n, i) => part(`Part ${i + 1}`, n)));
  for (const i of order) {
    merger.add(i, parts[i]!);
    // Each part comes while the others print.
    await new Promise((next) => setTimeout(next, 1));
  }
  const { pages, bytes } = await merger.finish(await contents(sizes.length), { pageLabel: (page, total) => `Document page ${page} of ${total}`, language: 'en' });
  expect(pages).toBe(7);
  const written = readFileSync(file);
  expect(written.length).toBe(bytes);
  expect(crossReferenceProblems(file).problems).toEqual([]);
  return written;
}

describe('the combined PDF, assembled as its parts come', () => {
  it('comes out byte for byte the same whatever order the parts come in', async () => {
    const inOrder = await merged([0, 1, 2]);
    expect(Buffer.from(await merged([2, 0, 1])).equals(Buffer.from(inOrder))).toBe(true);
    expect(Buffer.from(await merged([1, 2, 0])).equals(Buffer.from(inOrder))).toBe(true);
  });

  it('puts the contents in front and the parts in their order, numbers every page, and links the contents to each part', async () => {
    const file = join(scratch, 'in-reverse.pdf');
    writeFileSync(file, await merged([2, 1, 0]));
    const pdf = await readPdf(file);
    const expected = ['Contents', 'Part 1 page 1', 'Part 1 page 2', 'Part 2 page 1', 'Part 3 page 1', 'Part 3 page 2', 'Part 3 page 3'];
    expect(pdf.pages).toHaveLength(expected.length);
    pdf.pages.forEach((text, i) => {
      expect(text).toContain(expected[i]);
      expect(text).toContain(`Document page ${i + 1} of ${expected.length}`);
    });
    // Part 1 starts on page 2, part 2 on page 4, part 3 on page 5.
    expect(pdf.jumps).toEqual([
      { from: 1, to: 2 },
      { from: 1, to: 4 },
      { from: 1, to: 5 },
    ]);
    expect(pdf.outline).toEqual([
      { title: 'Part 1 heading', page: 3, children: 0 },
      { title: 'Part 2 heading', page: 4, children: 0 },
      { title: 'Part 3 heading', page: 7, children: 0 },
    ]);
  });

  it('keeps each part’s named destinations under a name of its own', async () => {
    const doc = await PDFDocument.load(await merged([0, 1, 2]));
    const names = [...(doc.catalog.lookup(PDFName.of('Dests'), PDFDict).keys() ?? [])].map((n) => n.decodeText());
    expect(names.sort()).toEqual(['part1-Part 1-end', 'part2-Part 2-end', 'part3-Part 3-end']);
  });

  it('says so when a part is missing or comes twice, and leaves no file', async () => {
    const file = join(scratch, 'missing.pdf');
    const merger = new PdfMerger(2, file);
    merger.add(1, await part('Part 2', 1));
    expect(() => merger.add(1, {} as PDFDocument)).toThrow(/part 1 came twice/);
    await expect(merger.finish(await contents(2), { pageLabel: String })).rejects.toThrow(/0 of its 2 parts came/);
    expect(readdirSync(scratch).filter((f) => f.startsWith('missing'))).toEqual([]);
  });

  it('writes each part to the file as it comes, not all at the end, and an abandoned document leaves no file', async () => {
    const file = join(scratch, 'streamed.pdf');
    const merger = new PdfMerger(3, file);
    // The copies run one after another beside the caller: the file grows by each part (forty pages of text) as it comes.
    const size = () => (existsSync(`${file}.partial`) ? statSync(`${file}.partial`).size : 0);
    merger.add(0, await part('Part 1', 40));
    await expect.poll(size, { timeout: 10_000 }).toBeGreaterThan(4000);
    const afterOne = size();
    merger.add(1, await part('Part 2', 40));
    await expect.poll(size, { timeout: 10_000 }).toBeGreaterThan(afterOne + 4000);
    await merger.abort();
    expect(readdirSync(scratch).filter((f) => f.startsWith('streamed'))).toEqual([]);
  });

  it('writes nothing for a part that comes after the document was abandoned', async () => {
    const file = join(scratch, 'late.pdf');
    const merger = new PdfMerger(2, file);
    await merger.abort();
    merger.add(0, await part('Part 1', 2));
    await new Promise((next) => setTimeout(next, 50));
    expect(readdirSync(scratch).filter((f) => f.startsWith('late'))).toEqual([]);
  });

  it('leaves no half-written file when the finished file cannot be put in place', async () => {
    // A folder where the file should go: the last step, putting the file in place, fails.
    const file = join(scratch, 'blocked.pdf');
    mkdirSync(file);
    const merger = new PdfMerger(1, file);
    merger.add(0, await part('Part 1', 2));
    await expect(merger.finish(await contents(1), { pageLabel: String })).rejects.toThrow();
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('loads a part given as a function only when its turn comes', async () => {
    const merger = new PdfMerger(2, join(scratch, 'lazy.pdf'));
    let loaded = false;
    merger.add(1, async () => ((loaded = true), part('Part 2', 1)));
    await new Promise((next) => setTimeout(next, 50));
    expect(loaded).toBe(false);
    merger.add(0, await part('Part 1', 1));
    await expect.poll(() => loaded).toBe(true);
    await merger.finish(await contents(2), { pageLabel: String });
    expect((await readPdf(join(scratch, 'lazy.pdf'))).pages.map((p) => p.split('\n')[0])).toHaveLength(3);
  });

  /** A document of parts (title, pages), each with its own digest, assembled with an earlier document's bytes where they fit. */
  /** A destination's view with what a plan keeps as text: a string's bytes past ASCII, and a tiny number with many digits. */
  const tricky = () => [PDFString.of('caf\u00e9 \u00ff'), PDFNumber.of(6.123456789012345e-13), PDFNumber.of(2 ** 33 + 0.25)];
  async function assemble(name: string, specs: [string, number][], earlier?: { path: string; plan: AssemblyPlan }, version = 'v1') {
    const file = join(scratch, `${name}.pdf`);
    const merger = new PdfMerger(specs.length, file, { version, earlier });
    for (const [i, [title, pages]] of specs.entries()) merger.add(i, await part(title, pages, tricky()), `${title}/${pages}`);
    const { bytes } = await merger.finish(await contents(specs.length), { pageLabel: (page, total) => `Document page ${page} of ${total}`, language: 'en' });
    expect(crossReferenceProblems(file).problems).toEqual([]);
    return { file, bytes: readFileSync(file), plan: merger.plan(bytes), reused: merger.reused };
  }
  const three: [string, number][] = [
    ['Part 1', 2],
    ['Part 2', 1],
    ['Part 3', 3],
  ];

  it('writes again the bytes of an earlier document’s parts that did not change, and comes out as an assembly from scratch', async () => {
    const first = await assemble('plan-a', three);
    expect(first.reused).toBe(0);
    const earlier = { path: first.file, plan: first.plan };
    // Nothing changed: every part is written from the earlier bytes, and the document is the same.
    const again = await assemble('plan-a-again', three, earlier);
    expect(again.reused).toBe(3);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    // The middle part's text changed, its shape did not: the parts before and after it are written again as they were, and the
    // document is the one an assembly from scratch writes.
    const edited: [string, number][] = [three[0]!, ['Part 2, edited', 1], three[2]!];
    const fresh = await assemble('plan-b', edited);
    const reused = await assemble('plan-b-reused', edited, earlier);
    expect(reused.reused).toBe(2);
    expect(reused.bytes.equals(fresh.bytes)).toBe(true);
    expect(reused.bytes.equals(first.bytes)).toBe(false);
    expect((await readPdf(reused.file)).pages.join('\n')).toContain('Part 2, edited page 1');
    // The middle part grew by a page: the parts after it are numbered on from elsewhere, so only the first is written again.
    const longer: [string, number][] = [three[0]!, ['Part 2', 2], three[2]!];
    const freshLonger = await assemble('plan-c', longer);
    const reusedLonger = await assemble('plan-c-reused', longer, earlier);
    expect(reusedLonger.reused).toBe(1);
    expect(reusedLonger.bytes.equals(freshLonger.bytes)).toBe(true);
    // The plan of the document assembled from an earlier one holds where its own parts are: a third assembly from it fits too.
    const third = await assemble('plan-c-third', longer, { path: reusedLonger.file, plan: reusedLonger.plan });
    expect(third.reused).toBe(3);
    expect(third.bytes.equals(freshLonger.bytes)).toBe(true);
  });

  it('copies a part as any other when the earlier bytes for it are not what the plan says, or the plan is of another version', async () => {
    const first = await assemble('plan-d', three);
    const damaged = join(scratch, 'plan-d-damaged.pdf');
    const bytes = Buffer.from(first.bytes);
    const middle = first.plan.parts[1]!;
    bytes[middle.at + Math.floor(middle.length / 2)]! ^= 0xff;
    writeFileSync(damaged, bytes);
    const fromDamaged = await assemble('plan-d-from-damaged', three, { path: damaged, plan: first.plan });
    expect(fromDamaged.reused).toBe(2);
    expect(fromDamaged.bytes.equals(first.bytes)).toBe(true);
    const otherVersion = await assemble('plan-d-other-version', three, { path: first.file, plan: first.plan }, 'v2');
    expect(otherVersion.reused).toBe(0);
    expect(otherVersion.bytes.equals(first.bytes)).toBe(true);
  });

  it('copies a part as any other when its record in the plan does not fit its bytes, or cannot be read', async () => {
    const first = await assemble('plan-e', three);
    const plan = structuredClone(first.plan);
    // The middle part's first object said to be written three bytes further on.
    const entries = unpackEntries(plan.parts[1]!.entries);
    const direct = entries.findIndex((_, i) => i % 4 === 1 && entries[i] === 1);
    entries[direct + 1]! += 3;
    plan.parts[1]!.entries = packEntries(entries);
    // The last part's record without its named destinations.
    delete (plan.parts[2] as Partial<AssemblyPlan['parts'][number]>).named;
    const fromTampered = await assemble('plan-e-tampered', three, { path: first.file, plan });
    expect(fromTampered.reused).toBe(1);
    expect(fromTampered.bytes.equals(first.bytes)).toBe(true);
  });
});
