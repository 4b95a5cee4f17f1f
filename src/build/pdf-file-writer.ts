/**
 * A PDF file written piece by piece, so that a document of any length never stands in memory whole (the combined protocols PDF
 * of 1,000 protocols is 4,000 pages and 100 MB; held in the PDF library, it took about 1.5 GB).
 *
 * Each {@link PdfFileWriter.flush} writes the objects of the PDF library's context that are done, and takes them out of it: the
 * ones without a stream packed fifty to an object stream and compressed, as pdf-lib's own save does, the others as they are.
 * What is written last (the page tree, the catalog) refers to them by number. {@link PdfFileWriter.finish} ends the file with a
 * cross-reference stream and puts it in place; until then it is written beside, under `.partial`.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import {
  PDFCrossRefStream,
  PDFDict,
  PDFFlateStream,
  PDFHeader,
  PDFInvalidObject,
  PDFName,
  PDFNumber,
  PDFObjectStream,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFTrailer,
  type PDFContext,
  type PDFObject,
} from 'pdf-lib';

/** Objects to an object stream, as pdf-lib writes them. */
const OBJECTS_PER_STREAM = 50;

const ascii = (text: string) => new TextEncoder().encode(text);

/**
 * A stream the PDF library would compress itself (an object stream, a page's drawing), compressed by Node's zlib instead: the same
 * Flate data a reader reads, made in native code. pdf-lib's own deflate, in JavaScript, took 40% of the time of a combined document
 * assembled from the print cache, most of it in setting up a compressor for each small stream.
 */
function compressedNatively(object: PDFObject): PDFObject {
  // The cross-reference stream (one per file) completes its own dictionary as it is written: left to the library.
  if (!(object instanceof PDFFlateStream) || object instanceof PDFCrossRefStream || !(object as unknown as { encode: boolean }).encode) return object;
  return PDFRawStream.of(object.dict, deflateSync(object.getUnencodedContents()));
}

export class PdfFileWriter {
  private readonly fd: number;
  private readonly partial: string;
  private offset = 0;
  /** The cross-reference entries so far: object number, then 1, offset and generation, or 2, object stream and index. */
  private readonly entries: number[] = [];
  private done = false;
  private readonly ctx: PDFContext;
  private readonly path: string;

  constructor(ctx: PDFContext, path: string) {
    this.ctx = ctx;
    this.path = path;
    this.partial = `${path}.partial`;
    this.fd = openSync(this.partial, 'w');
    const header = PDFHeader.forVersion(1, 7);
    const bytes = new Uint8Array(header.sizeInBytes() + 2);
    header.copyBytesInto(bytes, 0);
    bytes.set(ascii('\n\n'), bytes.length - 2);
    this.write(bytes);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  /** Cross-reference entries so far. */
  get entryCount(): number {
    return this.entries.length / 4;
  }

  /**
   * The entries from the `from`-th on, four numbers each, with the offset of each object written as it is counted from `at`
   * (where those objects' bytes begin): what {@link append} takes to write them again elsewhere in a file.
   */
  entriesSince(from: number, at: number): number[] {
    const out = this.entries.slice(from * 4);
    for (let i = 0; i < out.length; i += 4) if (out[i + 1] === 1) out[i + 2]! -= at;
    return out;
  }

  /**
   * Bytes an earlier file had for some of its objects, written as they are, with those objects' entries as
   * {@link entriesSince} gave them: the objects must be numbered, and refer to others, as they are in this file.
   */
  append(bytes: Uint8Array, entries: readonly number[]): void {
    if (this.done) throw new Error('PdfFileWriter: the file is already finished.');
    const at = this.offset;
    for (let i = 0; i < entries.length; i += 4) this.entries.push(entries[i]!, entries[i + 1]!, entries[i + 1] === 1 ? entries[i + 2]! + at : entries[i + 2]!, entries[i + 3]!);
    this.write(bytes);
  }

  private segment: Hash | undefined;

  /** Starts hashing what is written, until {@link endSegment}. */
  beginSegment(): void {
    this.segment = createHash('sha256');
  }

  /** The sha256 of what was written since {@link beginSegment}. */
  endSegment(): string {
    const digest = this.segment?.digest('hex') ?? '';
    this.segment = undefined;
    return digest;
  }

  private write(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at);
    this.offset += bytes.length;
    this.segment?.update(bytes);
  }

  /** `n g obj … endobj`, as pdf-lib's writer lays it out. */
  private writeObject(ref: PDFRef, written: PDFObject): void {
    const object = compressedNatively(written);
    const head = ascii(`${ref.objectNumber} ${ref.generationNumber} obj\n`);
    const tail = ascii('\nendobj\n\n');
    const bytes = new Uint8Array(head.length + object.sizeInBytes() + tail.length);
    bytes.set(head, 0);
    const end = head.length + object.copyBytesInto(bytes, head.length);
    bytes.set(tail, end);
    this.write(bytes.subarray(0, end + tail.length));
  }

  /** Writes every object of the context except those in `keep` (to be written later, maybe changed), and takes them out of it. */
  flush(keep: ReadonlySet<PDFRef> = new Set()): void {
    if (this.done) throw new Error('PdfFileWriter: the file is already finished.');
    const objects = this.ctx.enumerateIndirectObjects().filter(([ref]) => !keep.has(ref));
    const packed: [PDFRef, PDFObject][] = [];
    for (const [ref, object] of objects) {
      if (object instanceof PDFStream || object instanceof PDFInvalidObject || ref.generationNumber !== 0) {
        this.entries.push(ref.objectNumber, 1, this.offset, ref.generationNumber);
        this.writeObject(ref, object);
      } else packed.push([ref, object]);
    }
    for (let i = 0; i < packed.length; i += OBJECTS_PER_STREAM) {
      const chunk = packed.slice(i, i + OBJECTS_PER_STREAM);
      const streamRef = this.ctx.nextRef();
      chunk.forEach(([ref], index) => this.entries.push(ref.objectNumber, 2, streamRef.objectNumber, index));
      this.entries.push(streamRef.objectNumber, 1, this.offset, 0);
      this.writeObject(streamRef, PDFObjectStream.withContextAndObjects(this.ctx, chunk, true));
    }
    for (const [ref] of objects) this.ctx.delete(ref);
  }

  /** Writes what is left, the cross-reference stream and the trailer, and puts the file in place; gives its size in bytes. */
  finish(): number {
    try {
      this.flush();
      const xrefRef = this.ctx.nextRef();
      this.entries.push(xrefRef.objectNumber, 1, this.offset, 0);
      const xrefOffset = this.offset;
      this.writeObject(xrefRef, this.crossReferenceStream());
      const trailer = PDFTrailer.forLastCrossRefSectionOffset(xrefOffset);
      const bytes = new Uint8Array(trailer.sizeInBytes());
      trailer.copyBytesInto(bytes, 0);
      this.write(bytes);
      closeSync(this.fd);
      renameSync(this.partial, this.path);
    } catch (error) {
      // A file that could not be finished (a full disk, say) goes, as an abandoned one does.
      this.abort();
      throw error;
    }
    this.done = true;
    return this.offset;
  }

  /**
   * The cross-reference stream of every entry, with object 0 at the head of the free list, as pdf-lib's own would read, but made
   * here: pdf-lib makes a reference object for each entry and compresses the table in JavaScript, about a second at 1,000 protocols
   * (half a million objects).
   */
  private crossReferenceStream(): PDFRawStream {
    // By object number, in typed arrays: at 10,000 protocols there are five million entries.
    const size = this.ctx.largestObjectNumber + 1;
    const present = new Uint8Array(size);
    const types = new Uint8Array(size);
    const firsts = new Float64Array(size);
    const seconds = new Float64Array(size);
    // Object 0 heads the list of free objects.
    present[0] = 1;
    seconds[0] = 65535;
    for (let i = 0; i < this.entries.length; i += 4) {
      const number = this.entries[i]!;
      present[number] = 1;
      types[number] = this.entries[i + 1]!;
      firsts[number] = this.entries[i + 2]!;
      seconds[number] = this.entries[i + 3]!;
    }
    // Each field as wide as its largest value needs, in whole bytes; runs of consecutive object numbers: first number, count.
    const largest = [0, 0, 0];
    const index: number[] = [];
    let rows = 0;
    for (let n = 0; n < size; n++) {
      if (!present[n]) continue;
      rows++;
      if (types[n]! > largest[0]!) largest[0] = types[n]!;
      if (firsts[n]! > largest[1]!) largest[1] = firsts[n]!;
      if (seconds[n]! > largest[2]!) largest[2] = seconds[n]!;
      if (n > 0 && present[n - 1]) index[index.length - 1]!++;
      else index.push(n, 1);
    }
    const widths = largest.map((n) => Math.max(1, Math.ceil(n.toString(2).length / 8)));
    const width = widths[0]! + widths[1]! + widths[2]!;
    const table = new Uint8Array(rows * width);
    let at = 0;
    const put = (value: number, bytes: number) => {
      for (let k = bytes - 1; k >= 0; k--) {
        table[at + k] = value % 256;
        value = Math.floor(value / 256);
      }
      at += bytes;
    };
    for (let n = 0; n < size; n++) {
      if (!present[n]) continue;
      put(types[n]!, widths[0]!);
      put(firsts[n]!, widths[1]!);
      put(seconds[n]!, widths[2]!);
    }
    const dict = this.ctx.obj({}) as PDFDict;
    dict.set(PDFName.of('Type'), PDFName.of('XRef'));
    dict.set(PDFName.of('Size'), PDFNumber.of(this.ctx.largestObjectNumber + 1));
    const { Root, Info, ID } = this.ctx.trailerInfo;
    if (Root) dict.set(PDFName.of('Root'), Root);
    if (Info) dict.set(PDFName.of('Info'), Info);
    if (ID) dict.set(PDFName.of('ID'), ID);
    dict.set(PDFName.of('W'), this.ctx.obj(widths));
    dict.set(PDFName.of('Index'), this.ctx.obj(index));
    dict.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
    return PDFRawStream.of(dict, deflateSync(table));
  }

  /** Stops and removes what was written (a build that failed leaves no half a file). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    rmSync(this.partial, { force: true });
  }
}
