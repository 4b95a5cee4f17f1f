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
  endMarkedContent,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObjectCopier,
  PDFPage,
  PDFPageLeaf,
  PDFRef,
  PDFString,
  rgb,
  StandardFonts,
  type PDFObject,
} from 'pdf-lib';
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
function writeOutline(doc: PDFDocument, top: { item: OutlineItem; part: number }[], pageRefs: PDFRef[][]): void {
  if (top.length === 0) return;
  const ctx = doc.context;
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
  doc.catalog.set(N('Outlines'), root);
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

/**
 * The combined document's structure: one Document element holding each part's own top element, now a Part (the contents first,
 * then every protocol), and one parent tree with each part's keys moved past the keys of the parts before it, as are its pages'
 * and annotations' pointers into it. Marked as tagged when every part had its structure.
 */
function writeStructure(out: PDFDocument, parts: CopiedPart[], language: string | undefined): void {
  const ctx = out.context;
  if (!parts.some((part) => part.structure)) return;
  const root = ctx.nextRef();
  const document = ctx.nextRef();
  const nums: PDFObject[] = [];
  const tops: PDFRef[] = [];
  const ids: [string, PDFRef][] = [];
  let offset = 0;
  let nextId = 1;
  for (const part of parts) {
    const structure = part.structure;
    if (!structure) continue;
    // Each part's IDs numbered on from the last part's, so that no two meet and every table header resolves.
    const numbered = renumberStructureIds(ctx, structure.top, nextId);
    ids.push(...numbered.names);
    nextId = numbered.next;
    const top = ctx.lookup(structure.top, PDFDict);
    top.set(N('S'), N('Part'));
    top.set(N('P'), document);
    tops.push(structure.top);
    for (const [key, value] of structure.parents) nums.push(PDFNumber.of(key + offset), value);
    const shift = (dict: PDFDict, name: string) => {
      const key = dict.lookupMaybe(N(name), PDFNumber);
      if (key) dict.set(N(name), PDFNumber.of(key.asNumber() + offset));
    };
    for (const page of part.pages) {
      shift(page.node, 'StructParents');
      for (const annot of page.node.Annots()?.asArray() ?? []) {
        const dict = ctx.lookupMaybe(annot, PDFDict);
        if (dict) shift(dict, 'StructParent');
      }
    }
    offset += structure.nextKey;
  }
  ctx.assign(document, ctx.obj({ Type: 'StructElem', S: 'Document', P: root, K: tops, ...(language ? { Lang: PDFString.of(language) } : {}) }));
  const rootDict = ctx.obj({ Type: 'StructTreeRoot', K: document, ParentTree: ctx.register(ctx.obj({ Nums: nums })), ParentTreeNextKey: offset });
  writeIdTree(ctx, rootDict, ids);
  ctx.assign(root, rootDict);
  out.catalog.set(N('StructTreeRoot'), root);
  if (tops.length === parts.length) out.catalog.set(N('MarkInfo'), ctx.obj({ Marked: true }));
}

/** Draws the document page number centred in the header band, in the header's grey, where the templates leave it room. */
function stampPageNumbers(pages: PDFPage[], font: Awaited<ReturnType<PDFDocument['embedFont']>>, label: MergeOptions['pageLabel']) {
  const size = 5.6;
  pages.forEach((page, i) => {
    let text = label(i + 1, pages.length);
    let width: number;
    try {
      width = font.widthOfTextAtSize(text, size);
    } catch {
      // A label the standard font cannot write (a script beyond Latin-1) falls back to the figures alone.
      text = `${i + 1} / ${pages.length}`;
      width = font.widthOfTextAtSize(text, size);
    }
    const { width: pageWidth, height } = page.getSize();
    // Page furniture, outside the document's structure: an artifact, which a screen reader skips.
    page.pushOperators(beginMarkedContent('Artifact'));
    page.drawText(text, { x: (pageWidth - width) / 2, y: height - 20.2, size, font, color: rgb(0x44 / 255, 0x44 / 255, 0x44 / 255) });
    page.pushOperators(endMarkedContent());
  });
}

/** A part's pages as copied into the document, with what it brings along. */
interface CopiedPart {
  pages: PDFPage[];
  /** Its named destinations, under the part's own prefix: name → [page index within the part, view…]. */
  named: Map<string, { page: number; view: PDFObject[] }>;
  outline: OutlineItem[];
  /** Its structure (the tags a screen reader reads), when it has one: its top element and its parent tree, as copied. */
  structure?: PartStructure;
}

/** A part's structure tree as copied: the element under its root, and its parent tree's entries (key → elements). */
interface PartStructure {
  top: PDFRef;
  parents: [number, PDFObject][];
  /** The part's next free parent-tree key: the keys it uses are below it. */
  nextKey: number;
}

/**
 * The combined document, assembled as its parts come: each protocol's pages are copied in as soon as it and the parts before it
 * are there, while the browser prints the next, and the contents pages go in front at the end ({@link PdfMerger.finish}). Parts
 * are copied in their order whatever order they come in, so the document comes out byte for byte the same every time.
 */
export class PdfMerger {
  private readonly out = PDFDocument.create({ updateMetadata: false });
  private readonly parts: CopiedPart[] = [];
  private readonly waiting = new Map<number, PDFDocument>();
  /** The part to copy next. */
  private next = 0;
  /** The copies so far, one after another; the first failure stays here until {@link finish}. */
  private copied: Promise<void> = Promise.resolve();

  /** The parts to come, not counting the contents. */
  private readonly count: number;

  constructor(count: number) {
    this.count = count;
  }

  /** Part `index` (0 for the first protocol); copied once every part before it is. */
  add(index: number, doc: PDFDocument): void {
    if (!Number.isInteger(index) || index < this.next || index >= this.count || this.waiting.has(index))
      throw new Error(`Combined PDF: part ${index} came twice, or is not one of its ${this.count} parts.`);
    this.waiting.set(index, doc);
    for (; this.waiting.has(this.next); this.next++) {
      const part = this.waiting.get(this.next)!;
      this.waiting.delete(this.next);
      const prefix = `part${this.next + 1}-`;
      this.copied = this.copied.then(async () => void this.parts.push(await this.copy(part, prefix, true)));
      // Raised by finish(); a build that fails before it has its own error.
      this.copied.catch(() => undefined);
    }
  }

  private async copy(src: PDFDocument, prefix: string, withOutline: boolean): Promise<CopiedPart> {
    const out = await this.out;
    const ctx = out.context;
    await src.flush();
    const named = namedDestinations(src);
    // One copier for the part's pages and its structure tree, by reference, so that the elements' pages (/Pg) and annotations
    // (/Obj) are the copied ones.
    const copier = PDFObjectCopier.for(src.context, ctx);
    const pages = src.getPages().map((page) => {
      const ref = copier.copy(page.ref) as PDFRef;
      const leaf = ctx.lookup(ref);
      if (!(leaf instanceof PDFPageLeaf)) throw new Error(`Combined PDF: page ${page.ref.toString()} did not copy as a page.`);
      return PDFPage.of(leaf, ref, out);
    });
    for (const page of pages) {
      for (const annot of page.node.Annots()?.asArray() ?? []) {
        const dict = ctx.lookup(annot);
        if (!(dict instanceof PDFDict)) continue;
        const dest = dict.get(N('Dest'));
        if (dest instanceof PDFName || dest instanceof PDFString || dest instanceof PDFHexString) dict.set(N('Dest'), N(prefix + dest.decodeText()));
      }
    }
    const structure = copyStructure(src, copier, ctx);
    if (!structure)
      // Without a structure tree to point into, the pages' pointers go.
      for (const page of pages) {
        page.node.delete(N('StructParents'));
        for (const annot of page.node.Annots()?.asArray() ?? []) ctx.lookupMaybe(annot, PDFDict)?.delete(N('StructParent'));
      }
    return {
      pages,
      named: new Map([...named].map(([name, dest]) => [prefix + name, dest])),
      outline: withOutline ? readOutline(src, named) : [],
      ...(structure ? { structure } : {}),
    };
  }

  /**
   * The document: `contents` in front, whose links to `CONTENTS_LINK + i` become links to where part i starts (1 for the first
   * protocol), then every part in order.
   */
  async finish(contents: PDFDocument, options: MergeOptions): Promise<PDFDocument> {
    await this.copied;
    if (this.parts.length !== this.count) throw new Error(`Combined PDF: ${this.parts.length} of its ${this.count} parts came.`);
    const out = await this.out;
    const ctx = out.context;
    const front = await this.copy(contents, 'part0-', false);
    const all = [front, ...this.parts];
    const dests = ctx.obj({}) as PDFDict;
    const pageRefs = all.map((part) => part.pages.map((page) => page.ref));
    for (const [i, part] of all.entries()) {
      for (const page of part.pages) out.addPage(page);
      for (const [name, { page, view }] of part.named) dests.set(N(name), ctx.obj([pageRefs[i]![page]!, ...view]));
    }
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
    out.catalog.set(N('Dests'), ctx.register(dests));
    writeOutline(
      out,
      all.flatMap((part, i) => part.outline.map((item) => ({ item, part: i }))),
      pageRefs,
    );
    if (options.language) out.catalog.set(N('Lang'), PDFString.of(options.language));
    writeStructure(out, all, options.language);
    stampPageNumbers(out.getPages(), await out.embedFont(StandardFonts.Helvetica), options.pageLabel);
    return out;
  }
}
