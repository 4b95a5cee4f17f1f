/**
 * Reading the exported PDFs as a reader's tools would, with pdf.js (a
 * JavaScript library, so the tests need no system PDF tools): text per page,
 * the document information, page size, tagging and fonts.
 */
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfFacts {
  /** Text of each page, in reading order, a line break where pdf.js reports the end of a line. */
  pages: string[];
  /** Title, Author, Subject, Keywords, Creator, Producer, CreationDate (ISO), … */
  info: Record<string, string>;
  /** Size of the first page in PostScript points. */
  size: { width: number; height: number };
  /** Whether the document is tagged (accessible structure). */
  tagged: boolean;
  /** Every font used, with whether its file is embedded. */
  fonts: { name: string; embedded: boolean }[];
  /** Every link annotation: its address, or `#…` for a destination inside the document. */
  links: string[];
  /** Links to a place inside the document: the page they are on and the page they lead to (1-based). */
  jumps: { from: number; to: number }[];
  /** The bookmarks at the top of the outline: title and the page they open (1-based). */
  outline: { title: string; page: number; children: number }[];
}

/** "D:20261101000000Z" → "2026-11-01T00:00:00Z". */
const isoPdfDate = (d: string) => d.replace(/^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(.*)$/, '$1-$2-$3T$4:$5:$6$7').replace(/'/g, '');

export async function readPdf(file: string): Promise<PdfFacts> {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const pages: string[] = [];
    const fonts = new Map<string, boolean>();
    const links: string[] = [];
    const jumps: { from: number; to: number }[] = [];
    /** The page a destination (a name or an explicit array) opens. */
    const pageOf = async (dest: unknown): Promise<number> => {
      const array = typeof dest === 'string' ? await doc.getDestination(dest) : (dest as unknown[] | null);
      return array ? (await doc.getPageIndex(array[0] as never)) + 1 : 0;
    };
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      for (const a of (await page.getAnnotations()) as { subtype: string; url?: string; unsafeUrl?: string; dest?: unknown }[]) {
        if (a.subtype !== 'Link') continue;
        links.push(a.url ?? a.unsafeUrl ?? `#${JSON.stringify(a.dest)}`);
        if (a.dest) jumps.push({ from: n, to: await pageOf(a.dest) });
      }
      // Unnormalised: pdf.js would otherwise turn the micro sign of µg/mL into a Greek mu, and the tests check the units as typed.
      const content = await page.getTextContent({ disableNormalization: true });
      // Typographic ligatures (ﬁ, ﬀ) are spelled out, as a reader copying the text gets them.
      const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
      pages.push(text.replace(/[\uFB00-\uFB06]/g, (c) => c.normalize('NFKC')));
      const ops = await page.getOperatorList();
      ops.fnArray.forEach((fn, i) => {
        if (fn !== OPS.setFont) return;
        const font = page.commonObjs.get(ops.argsArray[i][0] as string) as { name: string; missingFile: boolean };
        fonts.set(font.name, !font.missingFile);
      });
    }
    const info = (await doc.getMetadata()).info as unknown as Record<string, unknown>;
    const first = await doc.getPage(1);
    const [x0, y0, x1, y1] = first.view as [number, number, number, number];
    const strings = Object.fromEntries(
      Object.entries(info)
        .filter(([, v]) => typeof v === 'string')
        .map(([k, v]) => [k, /Date$/.test(k) ? isoPdfDate(v as string) : (v as string)]),
    );
    return {
      pages,
      info: { ...strings, Pages: String(doc.numPages) },
      size: { width: x1 - x0, height: y1 - y0 },
      tagged: Boolean(((await doc.getMarkInfo()) as { Marked?: boolean } | null)?.Marked),
      fonts: [...fonts].map(([name, embedded]) => ({ name, embedded })),
      links,
      jumps,
      outline: await Promise.all(
        ((await doc.getOutline()) ?? []).map(async (item) => ({ title: item.title, page: await pageOf(item.dest), children: item.items.length })),
      ),
    };
  } finally {
    await doc.destroy();
  }
}

/** The paper a page size is, within a point: "A4", "Letter", or the size itself. */
export function paperOf(size: { width: number; height: number }): string {
  const near = (a: number, b: number) => Math.abs(a - b) < 2;
  if (near(size.width, 595.28) && near(size.height, 841.89)) return 'A4';
  if (near(size.width, 612) && near(size.height, 792)) return 'Letter';
  return `${size.width.toFixed(1)} × ${size.height.toFixed(1)} pt`;
}

type PdfDoc = Awaited<ReturnType<typeof getDocument>['promise']>;
type PdfPage = Awaited<ReturnType<PdfDoc['getPage']>>;

/** Runs `each` on every page of a PDF read with pdf.js, in order, and returns what it gave. */
async function perPage<T>(file: string, each: (page: PdfPage, n: number, doc: PdfDoc) => Promise<T>): Promise<T[]> {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const out: T[] = [];
    for (let n = 1; n <= doc.numPages; n++) out.push(await each(await doc.getPage(n), n, doc));
    return out;
  } finally {
    await doc.destroy();
  }
}

/** The pixels (RGBA) of a page rendered on white at `scale` (1 = 72 dpi), shifted up by `offsetY` device pixels, `width` × `height`. */
async function pixels(doc: PdfDoc, page: PdfPage, scale: number, size?: { width: number; height: number; offsetY: number }) {
  const viewport = page.getViewport({ scale, offsetY: size ? -size.offsetY : 0 });
  const width = size?.width ?? viewport.width;
  const height = size?.height ?? viewport.height;
  const { canvas, context } = (doc.canvasFactory as { create(width: number, height: number): unknown }).create(width, height) as {
    canvas: unknown;
    context: {
      fillStyle: string;
      fillRect(x: number, y: number, w: number, h: number): void;
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    };
  };
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  await page.render({ canvasContext: context as never, viewport, canvas: canvas as never }).promise;
  return { data: context.getImageData(0, 0, width, height).data, width, height };
}

/**
 * The share of near-black pixels on each page, rendered by pdf.js at 36 dpi: a diagram that lost its styles prints its shapes
 * solid black, which this sees where the text cannot.
 */
export function darkShares(file: string): Promise<number[]> {
  return perPage(file, async (page, _n, doc) => {
    const { data } = await pixels(doc, page, 0.5);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]! < 60) dark++;
    return dark / (data.length / 4);
  });
}

/**
 * What the QR code in each page's footer says (decoded with jsQR from the bottom-left of the page rendered by pdf.js at 288 dpi),
 * or '' where a page has none that reads.
 */
export function qrCodesPerPage(file: string): Promise<string[]> {
  const scale = 4;
  const strip = 100; // points from the foot of the page: the bottom margin and a little more
  return perPage(file, async (page, _n, doc) => {
    const full = page.getViewport({ scale });
    const { data, width, height } = await pixels(doc, page, scale, {
      width: Math.round(full.width / 3),
      height: strip * scale,
      offsetY: full.height - strip * scale,
    });
    return jsQR(data, width, height)?.data ?? '';
  });
}

/** The size in points at which each piece of text containing `needle` is printed, with its page (1-based). */
export async function textSizes(file: string, needle: string): Promise<{ page: number; pt: number }[]> {
  const pages = await perPage(file, async (page, n) =>
    (await page.getTextContent({ disableNormalization: true })).items
      .filter((item) => 'str' in item && item.str.includes(needle))
      .map((item) => ({ page: n, pt: Math.hypot((item as { transform: number[] }).transform[2]!, (item as { transform: number[] }).transform[3]!) })),
  );
  return pages.flat();
}

/** A node of a page's structure tree as pdf.js gives it: an element with its role, or a piece of marked content. */
interface StructNode {
  role?: string;
  type?: string;
  id?: string;
  children?: StructNode[];
}

/** The tags a screen reader reads on one page: the elements' roles as nested text, and each heading with its text. */
export interface PageStructure {
  /** e.g. "Document(H1() P() L(LI(Lbl() LBody())))": roles only, without the root and pdf.js's NonStruct wrappers. */
  roles: string;
  /** "H1 Protocol 1: …", in reading order. */
  headings: string[];
}

/** The structure of every page of a tagged PDF (empty roles and no headings on an untagged page). */
export async function structureOf(file: string): Promise<PageStructure[]> {
  return perPage(file, async (page) => {
    const tree = (await page.getStructTree()) as StructNode | null;
    // The text of each piece of marked content, by the id the structure tree points at it with.
    const text = new Map<string, string>();
    const open: string[] = [];
    const { items } = await page.getTextContent({ includeMarkedContent: true, disableNormalization: true });
    for (const item of items as { type?: string; id?: string; str?: string }[]) {
      if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') open.push(item.id ?? '');
      else if (item.type === 'endMarkedContent') open.pop();
      else if (item.str !== undefined) for (const id of open) if (id) text.set(id, (text.get(id) ?? '') + item.str);
    }
    const textOf = (node: StructNode): string => (node.type === 'content' ? (text.get(node.id ?? '') ?? '') : (node.children ?? []).map(textOf).join(''));
    const headings: string[] = [];
    const roles = (node: StructNode): string => {
      // Ligatures spelled out, as readPdf gives the text.
      if (node.role && /^H[1-6]$/.test(node.role))
        headings.push(
          `${node.role} ${textOf(node)
            .replace(/[\uFB00-\uFB06]/g, (c) => c.normalize('NFKC'))
            .replace(/\s+/g, ' ')
            .trim()}`,
        );
      const inner = (node.children ?? []).map(roles).filter(Boolean).join(' ');
      if (!node.role || node.role === 'NonStruct' || node.role === 'Root') return inner;
      return `${node.role}(${inner})`;
    };
    return { roles: tree ? roles(tree) : '', headings };
  });
}

/**
 * What a strict reader checks before anything else, and pdf.js forgives (it rebuilds a broken cross-reference table from the
 * objects it finds): the file ends with `startxref` pointing at a cross-reference stream, and every object that stream lists is
 * where it says, with its number and generation, or inside an object stream that is. Gives the problems found (none for a sound
 * file) and the number of objects listed.
 */
export function crossReferenceProblems(file: string): { problems: string[]; objects: number } {
  const bytes = readFileSync(file);
  const latin1 = bytes.toString('latin1');
  const problems: string[] = [];
  const start = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(latin1.slice(-64));
  if (!start) return { problems: ['no startxref at the end of the file'], objects: 0 };
  const at = Number(start[1]);
  const head = /^(\d+) (\d+) obj\s*<<([\s\S]*?)>>\s*stream\r?\n/.exec(latin1.slice(at, at + 4096));
  if (!head) return { problems: [`startxref ${at} does not point at an object`], objects: 0 };
  const dict = head[3]!;
  if (!/\/Type\s*\/XRef/.test(dict)) problems.push('startxref does not point at a cross-reference stream');
  const widths = /\/W\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(dict)?.slice(1).map(Number);
  const length = Number(/\/Length\s+(\d+)/.exec(dict)?.[1]);
  const size = Number(/\/Size\s+(\d+)/.exec(dict)?.[1]);
  if (!widths || !length || !size) return { problems: [...problems, `cross-reference stream without /W, /Length or /Size: ${dict}`], objects: 0 };
  const index = /\/Index\s*\[([^\]]*)\]/.exec(dict)?.[1]?.trim().split(/\s+/).map(Number) ?? [0, size];
  const data = bytes.subarray(at + head[0].length, at + head[0].length + length);
  const rows = /\/Filter\s*\/FlateDecode/.test(dict) ? inflateSync(data) : data;
  const rowSize = widths[0]! + widths[1]! + widths[2]!;
  const field = (row: number, from: number, width: number) => {
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + rows[row * rowSize + from + i]!;
    return value;
  };
  const inFile = new Map<number, number>();
  const inStreams: [number, number][] = [];
  let row = 0;
  for (let s = 0; s + 1 < index.length; s += 2) {
    for (let n = index[s]!; n < index[s]! + index[s + 1]!; n++, row++) {
      const type = widths[0] ? field(row, 0, widths[0]) : 1;
      const second = field(row, widths[0]!, widths[1]!);
      const third = field(row, widths[0]! + widths[1]!, widths[2]!);
      if (type === 1) {
        inFile.set(n, second);
        if (!latin1.startsWith(`${n} ${third} obj`, second)) problems.push(`object ${n} ${third} is not at ${second}`);
      } else if (type === 2) inStreams.push([n, second]);
    }
  }
  if (row * rowSize !== rows.length) problems.push(`the cross-reference stream holds ${rows.length / rowSize} rows, its index ${row}`);
  for (const [n, stream] of inStreams) if (!inFile.has(stream)) problems.push(`object ${n} is in object stream ${stream}, which is not in the file`);
  return { problems, objects: inFile.size + inStreams.length };
}
