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

export interface PdfPart {
  bytes: Uint8Array;
}

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

/**
 * One document of `parts` in order: the first is the contents, whose links to `CONTENTS_LINK + i` become links to where part i
 * starts (part 1 is the first protocol).
 */
export async function mergePdfs(parts: PdfPart[], options: MergeOptions): Promise<PDFDocument> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const ctx = out.context;
  const dests = ctx.obj({}) as PDFDict;
  const pageRefs: PDFRef[][] = [];
  const outlines: OutlineItem[][] = [];
  for (const [index, part] of parts.entries()) {
    const src = await PDFDocument.load(part.bytes, { updateMetadata: false });
    const named = namedDestinations(src);
    const prefix = `part${index}-`;
    const copied = await out.copyPages(src, src.getPageIndices());
    const refs: PDFRef[] = [];
    for (const page of copied) {
      // The structure tree stays behind with the part it describes; the page's pointers into it go too.
      page.node.delete(N('StructParents'));
      for (const annot of page.node.Annots()?.asArray() ?? []) {
        const dict = ctx.lookup(annot);
        if (!(dict instanceof PDFDict)) continue;
        dict.delete(N('StructParent'));
        const dest = dict.get(N('Dest'));
        if (dest instanceof PDFName || dest instanceof PDFString || dest instanceof PDFHexString) dict.set(N('Dest'), N(prefix + dest.decodeText()));
      }
      out.addPage(page);
      refs.push(page.ref);
    }
    pageRefs.push(refs);
    for (const [name, { page, view }] of named) dests.set(N(prefix + name), ctx.obj([refs[page]!, ...view]));
    outlines.push(index === 0 ? [] : readOutline(src, named));
  }
  // The contents' links: the address of part i becomes a jump to its first page.
  for (const page of pageRefs[0] ?? []) {
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
    outlines.flatMap((list, part) => list.map((item) => ({ item, part }))),
    pageRefs,
  );
  if (options.language) out.catalog.set(N('Lang'), PDFString.of(options.language));
  stampPageNumbers(out.getPages(), await out.embedFont(StandardFonts.Helvetica), options.pageLabel);
  return out;
}
