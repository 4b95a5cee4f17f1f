/**
 * The combined protocols PDF, assembled from PDFs already printed: the contents
 * pages, then every page of each protocol's own PDF as it is, with its running
 * header and footer (version, date, fingerprint, QR code). Nothing is printed a
 * second time. What the copy would lose is carried over: each part's named
 * destinations (links to its steps and references) under a prefix of its own,
 * its bookmarks (one closed entry per part, its headings inside), and the
 * contents' links to where each part starts. Every page gets the document's own
 * page number in the middle of its header, where the header templates leave room.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, rgb, StandardFonts, type PDFObject, type PDFPage } from 'pdf-lib';

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
    page.drawText(text, { x: (pageWidth - width) / 2, y: height - 20.2, size, font, color: rgb(0x44 / 255, 0x44 / 255, 0x44 / 255) });
  });
}

/** A part's pages as copied into the document, with what it brings along. */
interface CopiedPart {
  pages: PDFPage[];
  /** Its named destinations, under the part's own prefix: name → [page index within the part, view…]. */
  named: Map<string, { page: number; view: PDFObject[] }>;
  outline: OutlineItem[];
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
    const named = namedDestinations(src);
    const pages = await out.copyPages(src, src.getPageIndices());
    for (const page of pages) {
      // The structure tree stays behind with the part it describes; the page's pointers into it go too.
      page.node.delete(N('StructParents'));
      for (const annot of page.node.Annots()?.asArray() ?? []) {
        const dict = ctx.lookup(annot);
        if (!(dict instanceof PDFDict)) continue;
        dict.delete(N('StructParent'));
        const dest = dict.get(N('Dest'));
        if (dest instanceof PDFName || dest instanceof PDFString || dest instanceof PDFHexString) dict.set(N('Dest'), N(prefix + dest.decodeText()));
      }
    }
    return { pages, named: new Map([...named].map(([name, dest]) => [prefix + name, dest])), outline: withOutline ? readOutline(src, named) : [] };
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
    stampPageNumbers(out.getPages(), await out.embedFont(StandardFonts.Helvetica), options.pageLabel);
    return out;
  }
}
