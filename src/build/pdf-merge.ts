/**
 * The combined protocols PDF, assembled from PDFs already printed: the contents
 * pages, then every page of each protocol's own PDF as it is, with its running
 * header and footer (version, date, fingerprint, QR code). Nothing is printed a
 * second time. What the copy would lose is carried over: each part's named
 * destinations (links to its steps and references) under a prefix of its own,
 * its bookmarks (one closed entry per part, its headings inside), its tags (the
 * structure a screen reader reads: each part's becomes a part of one document),
 * and the contents' links to where each part starts. Every page gets the
 * document's own page number in the middle of its header, where the header
 * templates leave room, marked as page furniture outside the structure.
 */
import {
  beginMarkedContent,
  degrees,
  drawObject,
  drawText,
  endMarkedContent,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFInvalidObject,
  PDFObjectCopier,
  PDFPageLeaf,
  PDFRef,
  PDFString,
  StandardFonts,
  type PDFContext,
  type PDFFont,
  type PDFObject,
} from 'pdf-lib';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { PdfFileWriter } from './pdf-file-writer.ts';
import { dropIdTree, renumberStructureIds, writeIdTree } from './pdf-structure-ids.ts';

/** Where a contents entry points before the merge: `CONTENTS_LINK + <part index>` (an address no reader ever opens). */
export const CONTENTS_LINK = 'https://contents.invalid/part/';

export interface MergeOptions {
  /** Text of the document page number, e.g. "Document page 3 of 40"; written in the header's middle. */
  pageLabel: (page: number, total: number) => string;
  /** Document language (`/Lang`). */
  language?: string;
}

interface OutlineItem {
  title: string;
  /** Page index within its part, and the rest of the destination ([/XYZ left top zoom] …). */
  page: number;
  view: PDFObject[];
  children: OutlineItem[];
}

const N = (name: string) => PDFName.of(name);

/** The named destinations of a document: name → [page index, view…]. */
function namedDestinations(doc: PDFDocument): Map<string, { page: number; view: PDFObject[] }> {
  const pages = doc.getPages().map((p) => p.ref);
  const out = new Map<string, { page: number; view: PDFObject[] }>();
  const dests = doc.catalog.lookupMaybe(N('Dests'), PDFDict);
  for (const [name, value] of dests?.entries() ?? []) {
    const resolved = doc.context.lookup(value);
    const array = resolved instanceof PDFDict ? resolved.lookupMaybe(N('D'), PDFArray) : resolved instanceof PDFArray ? resolved : undefined;
    const target = array?.get(0);
    const page = target instanceof PDFRef ? pages.indexOf(target) : -1;
    if (array && page >= 0) out.set(name.decodeText(), { page, view: array.asArray().slice(1) });
  }
  return out;
}

/** A destination as page index and view, whether given by name or as an array. */
function destinationOf(doc: PDFDocument, dest: PDFObject | undefined, named: ReturnType<typeof namedDestinations>) {
  const resolved = dest ? doc.context.lookup(dest) : undefined;
  if (resolved instanceof PDFName || resolved instanceof PDFString || resolved instanceof PDFHexString) return named.get(resolved.decodeText());
  if (resolved instanceof PDFArray) {
    const target = resolved.get(0);
    const page = target instanceof PDFRef ? doc.getPages().findIndex((p) => p.ref === target) : -1;
    if (page >= 0) return { page, view: resolved.asArray().slice(1) };
  }
  return undefined;
}

function readOutline(doc: PDFDocument, named: ReturnType<typeof namedDestinations>): OutlineItem[] {
  const items: OutlineItem[] = [];
  const walk = (first: PDFDict | undefined, into: OutlineItem[]) => {
    for (let item = first; item; item = item.lookupMaybe(N('Next'), PDFDict)) {
      const title = item.lookup(N('Title'));
      const dest = destinationOf(doc, item.get(N('Dest')) ?? item.lookupMaybe(N('A'), PDFDict)?.get(N('D')), named);
      if (!(title instanceof PDFString || title instanceof PDFHexString) || !dest) continue;
      const entry: OutlineItem = { title: title.decodeText(), ...dest, children: [] };
      walk(item.lookupMaybe(N('First'), PDFDict), entry.children);
      into.push(entry);
    }
  };
  walk(doc.catalog.lookupMaybe(N('Outlines'), PDFDict)?.lookupMaybe(N('First'), PDFDict), items);
  return items;
}

/** Writes the outline: every part's entries at the top, each closed over its own headings, so the list reads one line per part. */
function writeOutline(ctx: PDFContext, catalog: PDFDict, top: { item: OutlineItem; part: number }[], pageRefs: PDFRef[][]): void {
  if (top.length === 0) return;
  const write = (list: { item: OutlineItem; part: number }[], parent: PDFRef): { first: PDFRef; last: PDFRef } => {
    const refs = list.map(() => ctx.nextRef());
    list.forEach(({ item, part }, i) => {
      const dict = ctx.obj({}) as PDFDict;
      dict.set(N('Title'), PDFHexString.fromText(item.title));
      dict.set(N('Parent'), parent);
      dict.set(N('Dest'), ctx.obj([pageRefs[part]![item.page]!, ...item.view]));
      if (i > 0) dict.set(N('Prev'), refs[i - 1]!);
      if (i < list.length - 1) dict.set(N('Next'), refs[i + 1]!);
      if (item.children.length > 0) {
        const inner = write(
          item.children.map((child) => ({ item: child, part })),
          refs[i]!,
        );
        dict.set(N('First'), inner.first);
        dict.set(N('Last'), inner.last);
        dict.set(N('Count'), PDFNumber.of(-item.children.length));
      }
      ctx.assign(refs[i]!, dict);
    });
    return { first: refs[0]!, last: refs.at(-1)! };
  };
  const root = ctx.nextRef();
  const { first, last } = write(top, root);
  ctx.assign(root, ctx.obj({ Type: 'Outlines', First: first, Last: last, Count: top.length }));
  catalog.set(N('Outlines'), root);
}

/**
 * Chromium writes each bookmark from its heading but drops the space where the heading wraps ("Generation ofacquired cell lines"):
 * a title that equals a heading of the page but for white space takes the heading's own text.
 */
export function restoreOutlineTitles(doc: PDFDocument, headings: readonly string[]): void {
  const byLetters = new Map(headings.map((h) => [h.replace(/\s+/g, ''), h.replace(/\s+/g, ' ').trim()]));
  const walk = (first: PDFDict | undefined) => {
    for (let item = first; item; item = item.lookupMaybe(N('Next'), PDFDict)) {
      const title = item.lookup(N('Title'));
      if (title instanceof PDFString || title instanceof PDFHexString) {
        const heading = byLetters.get(title.decodeText().replace(/\s+/g, ''));
        if (heading) item.set(N('Title'), PDFHexString.fromText(heading));
      }
      walk(item.lookupMaybe(N('First'), PDFDict));
    }
  };
  walk(doc.catalog.lookupMaybe(N('Outlines'), PDFDict)?.lookupMaybe(N('First'), PDFDict));
}

/**
 * Copies a part's structure tree (as Chromium tags a page: a root, one element under it, a parent tree of plain numbers) with
 * the copier its pages went through. The copy of the root that comes along (the top element points up to it) is dropped: the
 * combined document has a root of its own ({@link writeStructure}).
 */
function copyStructure(src: PDFDocument, copier: PDFObjectCopier, ctx: PDFDocument['context']): PartStructure | undefined {
  const rootRef = src.catalog.get(N('StructTreeRoot'));
  const root = src.catalog.lookupMaybe(N('StructTreeRoot'), PDFDict);
  const top = root?.get(N('K'));
  const tree = root?.lookupMaybe(N('ParentTree'), PDFDict);
  const nums = tree?.lookupMaybe(N('Nums'), PDFArray);
  const nextKey = root?.lookupMaybe(N('ParentTreeNextKey'), PDFNumber)?.asNumber();
  // Anything else (a parent tree of kids, several top elements) is not what Chromium writes: the part goes in untagged.
  if (!(rootRef instanceof PDFRef) || !(top instanceof PDFRef) || !nums || tree?.has(N('Kids')) || nextKey === undefined) return undefined;
  const copiedTop = copier.copy(top) as PDFRef;
  const parents: [number, PDFObject][] = [];
  for (let i = 0; i + 1 < nums.size(); i += 2) {
    const key = nums.lookup(i, PDFNumber).asNumber();
    parents.push([key, copier.copy(nums.get(i + 1))]);
  }
  // The root and its parent tree came along with the top element's /P: they have no place in the combined document.
  const copiedRoot = copier.copy(rootRef) as PDFRef;
  const copiedRootDict = ctx.lookup(copiedRoot, PDFDict);
  const copiedTree = copiedRootDict.get(N('ParentTree'));
  if (copiedTree instanceof PDFRef) ctx.delete(copiedTree);
  // So does its ID tree: the combined document has one of its own.
  dropIdTree(ctx, copiedRootDict);
  ctx.delete(copiedRoot);
  return { top: copiedTop, parents, nextKey };
}

/** The size of the document page number, in points, and its colour: the header's grey. */
const STAMP_SIZE = 5.6;
const STAMP_GREY = 0x44 / 255;
/** The name the page number is drawn by on each page: a form of its own, written once the page count is known. */
const STAMP = N('DocumentPageNumber');

/**
 * Readies a copied page for its document page number, which is known only once the contents are printed and every part is in:
 * the page draws a form of its own (`stamp`), marked as page furniture outside the structure (an artifact, which a screen reader
 * skips); {@link stampForm} writes the form at the end. The page's own drawing is wrapped in q/Q so the form draws in the
 * page's default coordinates. The page gets resources of its own: Chromium's pages may share theirs.
 */
function prepareStamp(ctx: PDFContext, page: PDFPageLeaf, stamp: PDFRef): void {
  const contents = page.get(N('Contents'));
  const list = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  const draw = ctx.register(ctx.contentStream([beginMarkedContent('Artifact'), pushGraphicsState(), drawObject(STAMP), popGraphicsState(), endMarkedContent()]));
  page.set(N('Contents'), ctx.obj([ctx.getPushGraphicsStateContentStream(), ...list, ctx.getPopGraphicsStateContentStream(), draw]));
  const resources = ctx.lookupMaybe(page.getInheritableAttribute(N('Resources')), PDFDict)?.clone(ctx) ?? (ctx.obj({}) as PDFDict);
  const forms = resources.lookupMaybe(N('XObject'), PDFDict)?.clone(ctx) ?? (ctx.obj({}) as PDFDict);
  forms.set(STAMP, stamp);
  resources.set(N('XObject'), forms);
  page.set(N('Resources'), resources);
}

/** The form that draws page `n`'s number, centred in the header band of a page `size` big. */
function stampForm(ctx: PDFContext, font: PDFFont, fontRef: PDFRef, size: { width: number; height: number }, n: number, total: number, label: MergeOptions['pageLabel']) {
  let text = label(n, total);
  let width: number;
  try {
    width = font.widthOfTextAtSize(text, STAMP_SIZE);
  } catch {
    // A label the standard font cannot write (a script beyond Latin-1) falls back to the figures alone.
    text = `${n} / ${total}`;
    width = font.widthOfTextAtSize(text, STAMP_SIZE);
  }
  return ctx.formXObject(
    drawText(font.encodeText(text), {
      x: (size.width - width) / 2,
      y: size.height - 20.2,
      size: STAMP_SIZE,
      font: 'F0',
      color: rgb(STAMP_GREY, STAMP_GREY, STAMP_GREY),
      rotate: degrees(0),
      xSkew: degrees(0),
      ySkew: degrees(0),
    }),
    { BBox: [0, 0, size.width, size.height], Resources: { Font: { F0: fontRef } } },
  );
}

/** What the document keeps of a part once its objects are written: references, numbers and names. */
interface CopiedPart {
  /** Its pages, their sizes, and the form each draws its document page number with. */
  pages: { ref: PDFRef; width: number; height: number; stamp: PDFRef }[];
  /** Its named destinations, under the part's own prefix: name → [page index within the part, view…]. */
  named: Map<string, { page: number; view: PDFObject[] }>;
  outline: OutlineItem[];
  /** Its top structure element, now a Part of the document, when it has a structure. */
  top?: PDFRef;
}

/** A part's structure tree as copied: the element under its root, and its parent tree's entries (key → elements). */
interface PartStructure {
  top: PDFRef;
  parents: [number, PDFObject][];
  /** The part's next free parent-tree key: the keys it uses are below it. */
  nextKey: number;
}

/** Where the assembly stands before or after a part: the last object number, the next parent-tree key and ID, the shared streams. */
interface AssemblyState {
  obj: number;
  key: number;
  id: number;
  /** pdf-lib's two content streams that every page shares (save and restore the graphics state), once made. */
  graphics: [number, number] | null;
}

/** An outline item as a plan keeps it: its destination's view in PDF syntax. */
interface PlannedOutlineItem {
  title: string;
  page: number;
  view: string[];
  children: PlannedOutlineItem[];
}

/** What an assembly wrote for one part, enough to write it again as bytes ({@link AssemblyPlan}). */
export interface PartRecord {
  /** The part's PDF (sha256 of its bytes): the same PDF at the same place from the same state writes the same bytes. */
  digest: string;
  start: AssemblyState;
  end: AssemblyState;
  /** Where its bytes are in the document's file, how many, and their sha256. */
  at: number;
  length: number;
  sha256: string;
  /** Its objects' cross-reference entries, as PdfFileWriter.entriesSince gives them, packed by {@link packEntries}. */
  entries: string;
  /** Its pages: object number, generation, width, height, then its page-number form's object number and generation. */
  pages: number[][];
  named: [string, number, string[]][];
  outline: PlannedOutlineItem[];
  /** Its top structure element (object number, generation), when it has a structure. */
  top: [number, number] | null;
  /** Its parent-tree entries: key in the document, value in PDF syntax. */
  parents: [number, string][];
  ids: [string, number, number][];
}

/**
 * How a combined document was assembled, kept with it: a later assembly writes a part whose PDF, place and starting state are
 * the same as in this one by copying this one's bytes for it instead of parsing the part and copying its objects one by one.
 * After an edit to one protocol, the parts before it are all such parts, and the parts after it too when the edited part's
 * objects, structure keys and IDs come to as many as before.
 */
export interface AssemblyPlan {
  /** What the bytes depend on besides the parts (the assembly's code, its library's version): plans of another version are not used. */
  version: string;
  /** The size of the file it describes. */
  size: number;
  parts: PartRecord[];
}

/**
 * Cross-reference entries (four numbers each) as text, each number given as its difference from the same number of the entry
 * before: object numbers, offsets and indexes mostly rise by small steps, so the plan of 10,000 parts stays tens of megabytes.
 */
export function packEntries(entries: readonly number[]): string {
  const out: number[] = [];
  for (let i = 0; i < entries.length; i++) out.push(entries[i]! - (i >= 4 ? entries[i - 4]! : 0));
  return out.join(',');
}

export function unpackEntries(packed: string): number[] {
  if (packed === '') return [];
  const out = packed.split(',').map(Number);
  for (let i = 4; i < out.length; i++) out[i]! += out[i - 4]!;
  return out;
}

const viewText = (view: PDFObject[]) => view.map((v) => v.toString());
/**
 * A value kept as PDF syntax, written out again as it was: pdf-lib writes each character of its text as one byte, and reading the
 * text back would not always give the same bytes (a string's bytes past ASCII, the last digit of a tiny number).
 */
const raw = (text: string) => PDFInvalidObject.of(Uint8Array.from(text, (c) => c.charCodeAt(0)));
const planOutline = (items: OutlineItem[]): PlannedOutlineItem[] =>
  items.map((item) => ({ title: item.title, page: item.page, view: viewText(item.view), children: planOutline(item.children) }));
const outlineOf = (items: PlannedOutlineItem[]): OutlineItem[] =>
  items.map((item) => ({ title: item.title, page: item.page, view: item.view.map(raw), children: outlineOf(item.children) }));

/**
 * Whether a part's cross-reference entries fit its bytes: its objects numbered after the state it started from and no later than
 * the one it ended at, each object written as it is at its offset (`n g obj`), each packed object in one of the part's own streams.
 */
function entriesFit(entries: readonly number[], bytes: Uint8Array, record: PartRecord): boolean {
  if (entries.length % 4 !== 0) return false;
  const direct = new Set<number>();
  const head = new TextDecoder('latin1');
  for (let i = 0; i < entries.length; i += 4) {
    const [number, type, a, b] = entries.slice(i, i + 4) as [number, number, number, number];
    if (!(number > record.start.obj && number <= record.end.obj)) return false;
    if (type === 1) {
      const text = `${number} ${b} obj`;
      if (!(a >= 0 && a + text.length <= bytes.length) || head.decode(bytes.subarray(a, a + text.length)) !== text) return false;
      direct.add(number);
    } else if (type !== 2 || !(b >= 0)) return false;
  }
  for (let i = 0; i < entries.length; i += 4) if (entries[i + 1] === 2 && !direct.has(entries[i + 2]!)) return false;
  return true;
}

/** An earlier document's part, read and checked, ready to be written again. */
interface EarlierPart {
  record: PartRecord;
  bytes: Uint8Array;
  entries: number[];
  part: CopiedPart;
  parents: PDFObject[];
  ids: [string, PDFRef][];
}
/** pdf-lib keeps the two shared graphics-state streams of a context in fields of its own. */
type GraphicsRefs = { pushGraphicsStateContentStreamRef?: PDFRef; popGraphicsStateContentStreamRef?: PDFRef };

/**
 * The combined document, written to its file as its parts come: each protocol's pages are copied in as soon as it and the
 * parts before it are there, while the browser prints the next, and written out at once, so the document is never in memory
 * whole. The contents pages come last in time but first in the document ({@link PdfMerger.finish}); each page's document page
 * number is drawn by a form written at the end. Parts are copied in their order whatever order they come in, so the file comes
 * out byte for byte the same every time.
 */
export class PdfMerger {
  private readonly out = PDFDocument.create({ updateMetadata: false });
  private readonly parts: CopiedPart[] = [];
  /** Parts that came before the ones ahead of them: documents, or how to load one (a PDF on disk, read only when its turn comes). */
  private readonly waiting = new Map<number, { doc: PDFDocument | (() => Promise<PDFDocument>); digest: string }>();
  /** Set by {@link abort}: nothing more is written. */
  private aborted = false;
  /** The part to copy next. */
  private next = 0;
  /** The copies so far, one after another; the first failure stays here until {@link finish}. */
  private copied: Promise<void> = Promise.resolve();
  private started: Promise<{ writer: PdfFileWriter; keep: Set<PDFRef>; document: PDFRef }> | undefined;
  /** The structure: the parent tree's entries, the IDs and the next free key and ID, over the parts copied so far. */
  private readonly parentTree: PDFObject[] = [];
  private readonly ids: [string, PDFRef][] = [];
  private nextKey = 0;
  private nextId = 1;
  /** Whether every part so far had its structure (the document is marked as tagged only then). */
  private allTagged = true;

  /** The parts to come, not counting the contents. */
  private readonly count: number;
  /** The file the document is written to. */
  private readonly path: string;
  /** This assembly's version ({@link AssemblyPlan}), and an earlier document and its plan, whose bytes may be written again. */
  private readonly version: string;
  private readonly earlier: { path: string; parts: (PartRecord | undefined)[]; fd?: number | undefined } | undefined;
  /** What this assembly wrote for each part, in their order. */
  private readonly records: PartRecord[] = [];
  /** Parts written as bytes of the earlier document. */
  private reusedParts = 0;

  /**
   * `count` protocols (the contents not counted), written to `path`. With `reuse`, its `earlier` document's bytes are written
   * again for every part that comes with the same PDF (`add`'s digest) to the same place from the same state.
   */
  constructor(count: number, path: string, reuse?: { version: string; earlier?: { path: string; plan: AssemblyPlan } | undefined }) {
    this.count = count;
    this.path = path;
    this.version = reuse?.version ?? '';
    this.earlier =
      reuse?.earlier && reuse.earlier.plan.version === this.version && this.version !== '' ? { path: reuse.earlier.path, parts: [...reuse.earlier.plan.parts] } : undefined;
  }

  /** How this document was assembled (after {@link finish}), for a later assembly to reuse. */
  plan(size: number): AssemblyPlan {
    return { version: this.version, size, parts: this.records };
  }

  /** How many parts were written as bytes of the earlier document. */
  get reused(): number {
    return this.reusedParts;
  }

  /** The file, opened at the first part: the objects written last (catalog, page tree, the Document element) are kept back. */
  private start() {
    if (this.aborted) return Promise.reject(new Error('Combined PDF: abandoned.'));
    return (this.started ??= this.out.then((out) => {
      const ctx = out.context;
      const keep = new Set<PDFRef>(ctx.enumerateIndirectObjects().map(([ref]) => ref));
      const document = ctx.nextRef();
      keep.add(document);
      return { writer: new PdfFileWriter(ctx, this.path), keep, document };
    }));
  }

  /**
   * Part `index` (0 for the first protocol); copied once every part before it is. A part given as a function is loaded only then,
   * so parts that come far ahead of their turn (from the print cache, say) do not stand in memory meanwhile.
   */
  add(index: number, doc: PDFDocument | (() => Promise<PDFDocument>), digest = ''): void {
    if (this.aborted) return;
    if (!Number.isInteger(index) || index < this.next || index >= this.count || this.waiting.has(index))
      throw new Error(`Combined PDF: part ${index} came twice, or is not one of its ${this.count} parts.`);
    this.waiting.set(index, { doc, digest });
    for (; this.waiting.has(this.next); this.next++) {
      const { doc: part, digest: partDigest } = this.waiting.get(this.next)!;
      this.waiting.delete(this.next);
      const at = this.next;
      const prefix = `part${at + 1}-`;
      this.copied = this.copied.then(async () => {
        if (this.aborted) return;
        const { writer, keep } = await this.start();
        const ctx = (await this.out).context;
        const start = this.state(ctx);
        const mark = { at: writer.size, entries: writer.entryCount, parents: this.parentTree.length, ids: this.ids.length };
        const earlier = this.earlierPart(at, partDigest, start);
        if (earlier) {
          this.writeAgain(earlier, writer, ctx);
          this.records.push({ ...earlier.record, at: mark.at });
          return;
        }
        const copied = await this.copy(typeof part === 'function' ? await part() : part, prefix, true);
        this.parts.push(copied);
        writer.beginSegment();
        writer.flush(keep);
        this.records.push(this.record(partDigest, start, mark, copied, writer.endSegment(), writer, ctx));
      });
      // Raised by finish(); a build that fails before it has its own error.
      this.copied.catch(() => undefined);
    }
  }

  private state(ctx: PDFContext): AssemblyState {
    const { pushGraphicsStateContentStreamRef: push, popGraphicsStateContentStreamRef: pop } = ctx as unknown as GraphicsRefs;
    return { obj: ctx.largestObjectNumber, key: this.nextKey, id: this.nextId, graphics: push && pop ? [push.objectNumber, pop.objectNumber] : null };
  }

  /**
   * The earlier document's part `index`, ready to be written again, when its PDF and starting state are this one's and its bytes
   * and entries are still what the record says; otherwise (or for a record that cannot be read) the part is copied as any other.
   */
  private earlierPart(index: number, digest: string, start: AssemblyState): EarlierPart | undefined {
    const earlier = this.earlier;
    const record = earlier?.parts[index];
    if (!earlier || !record) return undefined;
    // Each record is used once at most: let it go.
    earlier.parts[index] = undefined;
    if (digest === '' || record.digest !== digest || JSON.stringify(record.start) !== JSON.stringify(start)) return undefined;
    try {
      earlier.fd ??= openSync(earlier.path, 'r');
      const bytes = new Uint8Array(record.length);
      for (let read = 0; read < bytes.length; ) {
        const n = readSync(earlier.fd, bytes, read, bytes.length - read, record.at + read);
        if (n === 0) return undefined;
        read += n;
      }
      if (createHash('sha256').update(bytes).digest('hex') !== record.sha256) return undefined;
      const entries = unpackEntries(record.entries);
      if (!entriesFit(entries, bytes, record)) return undefined;
      const ref = (n: number, g = 0) => PDFRef.of(n, g);
      const part: CopiedPart = {
        pages: record.pages.map(([n, g, width, height, sn, sg]) => ({ ref: ref(n!, g), width: width!, height: height!, stamp: ref(sn!, sg) })),
        named: new Map(record.named.map(([name, page, view]) => [name, { page, view: view.map(raw) }])),
        outline: outlineOf(record.outline),
        ...(record.top ? { top: ref(...record.top) } : {}),
      };
      const parents = record.parents.flatMap(([key, value]) => [PDFNumber.of(key), raw(value)]);
      const ids = record.ids.map(([name, n, g]): [string, PDFRef] => [name, ref(n, g)]);
      return { record, bytes, entries, part, parents, ids };
    } catch {
      return undefined;
    }
  }

  /** Writes a part again from the earlier document's bytes, and takes on what the assembly had after it then. */
  private writeAgain({ record, bytes, entries, part, parents, ids }: EarlierPart, writer: PdfFileWriter, ctx: PDFContext): void {
    writer.append(bytes, entries);
    this.parts.push(part);
    this.parentTree.push(...parents);
    this.ids.push(...ids);
    if (!record.top) this.allTagged = false;
    ctx.largestObjectNumber = record.end.obj;
    this.nextKey = record.end.key;
    this.nextId = record.end.id;
    if (record.end.graphics) {
      const shared = ctx as unknown as GraphicsRefs;
      shared.pushGraphicsStateContentStreamRef = PDFRef.of(record.end.graphics[0]);
      shared.popGraphicsStateContentStreamRef = PDFRef.of(record.end.graphics[1]);
    }
    this.reusedParts++;
  }

  /** What this assembly wrote for a part it copied (its bytes' `sha256`), as {@link PartRecord}. */
  private record(
    digest: string,
    start: AssemblyState,
    mark: { at: number; entries: number; parents: number; ids: number },
    part: CopiedPart,
    sha256: string,
    writer: PdfFileWriter,
    ctx: PDFContext,
  ): PartRecord {
    const parents: [number, string][] = [];
    for (let i = mark.parents; i < this.parentTree.length; i += 2) parents.push([(this.parentTree[i] as PDFNumber).asNumber(), this.parentTree[i + 1]!.toString()]);
    return {
      digest,
      start,
      end: this.state(ctx),
      at: mark.at,
      length: writer.size - mark.at,
      sha256,
      entries: packEntries(writer.entriesSince(mark.entries, mark.at)),
      pages: part.pages.map((p) => [p.ref.objectNumber, p.ref.generationNumber, p.width, p.height, p.stamp.objectNumber, p.stamp.generationNumber]),
      named: [...part.named].map(([name, { page, view }]) => [name, page, viewText(view)]),
      outline: planOutline(part.outline),
      top: part.top ? [part.top.objectNumber, part.top.generationNumber] : null,
      parents,
      ids: this.ids.slice(mark.ids).map(([name, r]) => [name, r.objectNumber, r.generationNumber]),
    };
  }

  private async copy(src: PDFDocument, prefix: string, withOutline: boolean): Promise<CopiedPart> {
    const out = await this.out;
    const { document } = await this.start();
    const ctx = out.context;
    await src.flush();
    const named = namedDestinations(src);
    const pagesRoot = out.catalog.get(N('Pages')) as PDFRef;
    // One copier for the part's pages and its structure tree, by reference, so that the elements' pages (/Pg) and annotations
    // (/Obj) are the copied ones.
    const copier = PDFObjectCopier.for(src.context, ctx);
    const pages = src.getPages().map((page) => {
      const ref = copier.copy(page.ref) as PDFRef;
      const leaf = ctx.lookup(ref);
      if (!(leaf instanceof PDFPageLeaf)) throw new Error(`Combined PDF: page ${page.ref.toString()} did not copy as a page.`);
      const { width, height } = page.getSize();
      const stamp = ctx.nextRef();
      prepareStamp(ctx, leaf, stamp);
      leaf.set(N('Parent'), pagesRoot);
      return { ref, leaf, width, height, stamp };
    });
    for (const { leaf } of pages) {
      for (const annot of leaf.Annots()?.asArray() ?? []) {
        const dict = ctx.lookup(annot);
        if (!(dict instanceof PDFDict)) continue;
        const dest = dict.get(N('Dest'));
        if (dest instanceof PDFName || dest instanceof PDFString || dest instanceof PDFHexString) dict.set(N('Dest'), N(prefix + dest.decodeText()));
      }
    }
    const structure = copyStructure(src, copier, ctx);
    if (structure) {
      // The part's top element becomes a Part of the one Document; its keys in the parent tree, and its pages' and annotations'
      // pointers into it, move past the keys of the parts before it; its IDs are numbered on from theirs, so that no two meet.
      const top = ctx.lookup(structure.top, PDFDict);
      top.set(N('S'), N('Part'));
      top.set(N('P'), document);
      const numbered = renumberStructureIds(ctx, structure.top, this.nextId);
      this.ids.push(...numbered.names);
      this.nextId = numbered.next;
      const offset = this.nextKey;
      for (const [key, value] of structure.parents) this.parentTree.push(PDFNumber.of(key + offset), value);
      const shift = (dict: PDFDict, name: string) => {
        const key = dict.lookupMaybe(N(name), PDFNumber);
        if (key) dict.set(N(name), PDFNumber.of(key.asNumber() + offset));
      };
      for (const { leaf } of pages) {
        shift(leaf, 'StructParents');
        for (const annot of leaf.Annots()?.asArray() ?? []) {
          const dict = ctx.lookupMaybe(annot, PDFDict);
          if (dict) shift(dict, 'StructParent');
        }
      }
      this.nextKey += structure.nextKey;
    } else {
      this.allTagged = false;
      // Without a structure tree to point into, the pages' pointers go.
      for (const { leaf } of pages) {
        leaf.delete(N('StructParents'));
        for (const annot of leaf.Annots()?.asArray() ?? []) ctx.lookupMaybe(annot, PDFDict)?.delete(N('StructParent'));
      }
    }
    return {
      pages: pages.map(({ ref, width, height, stamp }) => ({ ref, width, height, stamp })),
      named: new Map([...named].map(([name, dest]) => [prefix + name, dest])),
      outline: withOutline ? readOutline(src, named) : [],
      ...(structure ? { top: structure.top } : {}),
    };
  }

  /**
   * Ends the document and its file: `contents` in front, whose links to `CONTENTS_LINK + i` become links to where part i starts
   * (1 for the first protocol), then every part in order; `describe` sets the document's metadata. Gives its page count and size.
   */
  async finish(contents: PDFDocument, options: MergeOptions & { describe?: (doc: PDFDocument) => void }): Promise<{ pages: number; bytes: number }> {
    const { writer, keep, document } = await this.start();
    try {
      await this.copied;
      if (this.parts.length !== this.count) throw new Error(`Combined PDF: ${this.parts.length} of its ${this.count} parts came.`);
      const out = await this.out;
      const ctx = out.context;
      const front = await this.copy(contents, 'part0-', false);
      const all = [front, ...this.parts];
      const pageRefs = all.map((part) => part.pages.map((page) => page.ref));
      // The contents' links: the address of part i becomes a jump to its first page.
      for (const page of pageRefs[0]!) {
        for (const annot of ctx.lookup(page, PDFDict).lookupMaybe(N('Annots'), PDFArray)?.asArray() ?? []) {
          const dict = ctx.lookup(annot);
          const action = dict instanceof PDFDict ? dict.lookupMaybe(N('A'), PDFDict) : undefined;
          const uri = action?.lookup(N('URI'));
          const address = uri instanceof PDFString || uri instanceof PDFHexString ? uri.decodeText() : '';
          if (!(dict instanceof PDFDict) || !address.startsWith(CONTENTS_LINK)) continue;
          const target = pageRefs[Number(address.slice(CONTENTS_LINK.length))]?.[0];
          if (!target) throw new Error(`Combined PDF: a contents link points at part ${address.slice(CONTENTS_LINK.length)}, which the document does not have.`);
          dict.delete(N('A'));
          dict.set(N('Dest'), ctx.obj([target, 'XYZ', null, null, null]));
        }
      }
      writer.flush(keep);

      // Every page's number, now that the count is known, a thousand pages at a time.
      const font = await out.embedFont(StandardFonts.Helvetica);
      const fontRef = font.ref;
      keep.add(fontRef);
      const pages = all.flatMap((part) => part.pages);
      pages.forEach((page, i) => {
        ctx.assign(page.stamp, stampForm(ctx, font, fontRef, page, i + 1, pages.length, options.pageLabel));
        if (i % 1000 === 999) writer.flush(keep);
      });

      const dests = ctx.obj({}) as PDFDict;
      for (const [i, part] of all.entries()) for (const [name, { page, view }] of part.named) dests.set(N(name), ctx.obj([pageRefs[i]![page]!, ...view]));
      out.catalog.set(N('Dests'), ctx.register(dests));
      const pageTree = ctx.lookup(out.catalog.get(N('Pages')), PDFDict);
      pageTree.set(N('Kids'), ctx.obj(pages.map((page) => page.ref)));
      pageTree.set(N('Count'), PDFNumber.of(pages.length));
      writeOutline(
        ctx,
        out.catalog,
        all.flatMap((part, i) => part.outline.map((item) => ({ item, part: i }))),
        pageRefs,
      );
      if (options.language) out.catalog.set(N('Lang'), PDFString.of(options.language));
      const tops = all.flatMap((part) => (part.top ? [part.top] : []));
      if (tops.length > 0) {
        // One Document element holding each part's top element: the contents first, then every protocol.
        const root = ctx.nextRef();
        ctx.assign(document, ctx.obj({ Type: 'StructElem', S: 'Document', P: root, K: tops, ...(options.language ? { Lang: PDFString.of(options.language) } : {}) }));
        const rootDict = ctx.obj({ Type: 'StructTreeRoot', K: document, ParentTree: ctx.register(ctx.obj({ Nums: this.parentTree })), ParentTreeNextKey: this.nextKey });
        writeIdTree(ctx, rootDict, this.ids);
        ctx.assign(root, rootDict);
        out.catalog.set(N('StructTreeRoot'), root);
        if (this.allTagged) out.catalog.set(N('MarkInfo'), ctx.obj({ Marked: true }));
      }
      options.describe?.(out);
      // The font's dictionary, and the document information, are written by the library's own flush.
      await out.flush();
      return { pages: pages.length, bytes: writer.finish() };
    } finally {
      writer.abort();
      this.closeEarlier();
    }
  }

  private closeEarlier(): void {
    if (this.earlier?.fd === undefined) return;
    closeSync(this.earlier.fd);
    this.earlier.fd = undefined;
  }

  /** Stops a document that will not be finished: its file goes, and parts that come later are not written. */
  async abort(): Promise<void> {
    this.aborted = true;
    (await this.started?.catch(() => undefined))?.writer.abort();
    // The earlier file, open while parts are written again from it, is closed once the copies under way settle.
    void this.copied.catch(() => undefined).finally(() => this.closeEarlier());
  }
}
