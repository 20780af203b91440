import {
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObject,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFString,
  decodePDFRawStream,
} from 'pdf-lib';
import { LIMITS } from '../limits.js';

const CHUNK = 2 ** 20;

/** A stream decoded piece by piece, so that one which inflates without end stops past `limit`: undefined then. */
function decodeUpTo(raw: PDFRawStream, limit: number): Uint8Array | undefined {
  const stream = decodePDFRawStream(raw);
  const parts: Buffer[] = [];
  let total = 0;
  for (let part = stream.getBytes(CHUNK); part.length > 0; part = stream.getBytes(CHUNK)) {
    total += part.length;
    if (total > limit) return undefined;
    parts.push(Buffer.from(part));
  }
  return Buffer.concat(parts);
}

/**
 * A small read-only view of a PDF's objects over pdf-lib: what the preflight checks need to walk
 * catalogs, pages, resources and content streams without pdf-lib's types at every step. A client's
 * file may loop or lie anywhere, so every walk here stops at a node it has seen, and what cannot be
 * read is kept as a fault for the report instead of thrown.
 */
export class PdfView {
  private faults: string[] = [];
  private readonly told = new Set<string>();

  private constructor(
    readonly doc: PDFDocument,
    readonly header: string,
  ) {}

  static async open(bytes: Uint8Array): Promise<PdfView> {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: true });
    const header = Buffer.from(bytes.subarray(0, 16)).toString('latin1').match(/%PDF-(\d\.\d)/)?.[1] ?? '';
    return new PdfView(doc, header);
  }

  get encrypted(): boolean {
    return this.doc.context.trailerInfo.Encrypt !== undefined;
  }

  /** What could not be read since the last call (corrupt streams, loops), each said once per file. */
  takeFaults(): string[] {
    const faults = this.faults;
    this.faults = [];
    return faults;
  }

  private fault(message: string): void {
    if (this.told.has(message)) return;
    this.told.add(message);
    this.faults.push(message);
  }

  /** An object as the file numbers it, for messages. */
  label(o: PDFObject): string {
    const ref = o instanceof PDFRef ? o : this.doc.context.getObjectRef(o);
    return ref ? `object ${ref.objectNumber} ${ref.generationNumber} R` : 'a direct object';
  }

  resolve(o: PDFObject | undefined): PDFObject | undefined {
    return o instanceof PDFRef ? this.doc.context.lookup(o) : o;
  }

  get(d: PDFObject | undefined, key: string): PDFObject | undefined {
    const dict = this.dictOf(d);
    return dict ? this.resolve(dict.get(PDFName.of(key))) : undefined;
  }

  dictOf(o: PDFObject | undefined): PDFDict | undefined {
    const r = this.resolve(o);
    if (r instanceof PDFDict) return r;
    if (r instanceof PDFStream) return r.dict;
    return undefined;
  }

  trailer(key: 'Root' | 'Info' | 'ID' | 'Encrypt'): PDFObject | undefined {
    return this.resolve(this.doc.context.trailerInfo[key]);
  }

  name(o: PDFObject | undefined): string | undefined {
    const r = this.resolve(o);
    return r instanceof PDFName ? r.decodeText() : undefined;
  }

  text(o: PDFObject | undefined): string | undefined {
    const r = this.resolve(o);
    return r instanceof PDFString || r instanceof PDFHexString ? r.decodeText() : undefined;
  }

  /** A string's bytes as written, or a stream's decoded: what a lookup table or sampled function holds. */
  raw(o: PDFObject | undefined): Uint8Array {
    const r = this.resolve(o);
    if (r instanceof PDFString || r instanceof PDFHexString) return r.asBytes();
    return this.bytes(r);
  }

  num(o: PDFObject | undefined): number | undefined {
    const r = this.resolve(o);
    return r instanceof PDFNumber ? r.asNumber() : undefined;
  }

  bool(o: PDFObject | undefined): boolean | undefined {
    const r = this.resolve(o);
    return r instanceof PDFBool ? r.asBoolean() : undefined;
  }

  array(o: PDFObject | undefined): PDFObject[] {
    const r = this.resolve(o);
    return r instanceof PDFArray ? r.asArray().map((x) => this.resolve(x)!) : [];
  }

  numbers(o: PDFObject | undefined): number[] {
    return this.array(o).map((x) => this.num(x) ?? NaN);
  }

  entries(o: PDFObject | undefined): [string, PDFObject][] {
    const d = this.dictOf(o);
    return d ? d.entries().map(([k, v]) => [k.decodeText(), v] as [string, PDFObject]) : [];
  }

  /**
   * A stream's bytes with its filters undone (all but DCT, whose bytes are the JPEG). A stream that
   * does not decode, or decodes past the limit, is a fault and reads as empty.
   */
  bytes(o: PDFObject | undefined): Uint8Array {
    const r = this.resolve(o);
    if (!(r instanceof PDFRawStream)) return new Uint8Array();
    const filters = [this.name(r.dict.get(PDFName.of('Filter'))), ...this.array(r.dict.get(PDFName.of('Filter'))).map((f) => this.name(f))].filter(Boolean);
    if (filters.includes('DCTDecode')) return r.contents;
    const limit = LIMITS.pdfStreamBytes;
    try {
      const decoded = decodeUpTo(r, limit);
      if (decoded) return decoded;
      this.fault(`${this.label(o!)}: its stream decodes to more than ${limit} bytes (BANMIAN_MAX_PDF_STREAM_BYTES); what it holds is not checked`);
    } catch (e) {
      this.fault(`${this.label(o!)}: its ${filters.join('+') || 'unfiltered'} stream is corrupt (${e instanceof Error ? e.message : String(e)}); what it holds is not checked`);
    }
    return new Uint8Array();
  }

  /**
   * Pages in order, walked down the page tree without recursion. A node reached a second time
   * (a /Kids cycle, or a node two parents share) is a fault and is not walked again.
   */
  pages(): PDFDict[] {
    const pages: PDFDict[] = [];
    const seen = new Set<PDFObject>();
    const top = this.get(this.trailer('Root'), 'Pages');
    const todo: PDFObject[] = top ? [top] : [];
    while (todo.length) {
      const node = todo.pop()!;
      const dict = this.dictOf(node);
      if (!dict) continue;
      if (seen.has(dict)) {
        this.fault(`the page tree reaches ${this.label(node)} a second time (a /Kids cycle, or a node two parents share); it is checked once`);
        continue;
      }
      seen.add(dict);
      const kids = this.resolve(dict.get(PDFName.of('Kids')));
      if (kids instanceof PDFArray) todo.push(...kids.asArray().reverse());
      else pages.push(dict);
    }
    return pages;
  }

  /** A page entry that may be inherited from the page tree, up /Parent until a node comes round again. */
  inherited(page: PDFDict, key: string): PDFObject | undefined {
    const seen = new Set<PDFObject>();
    let node: PDFObject | undefined = page;
    while (node) {
      const dict = this.dictOf(node);
      if (!dict) return undefined;
      if (seen.has(dict)) {
        this.fault(`the /Parent chain of a page comes back to ${this.label(node)} (a cycle); nothing is inherited past it`);
        return undefined;
      }
      seen.add(dict);
      const v = this.resolve(dict.get(PDFName.of(key)));
      if (v !== undefined) return v;
      node = dict.get(PDFName.of('Parent'));
    }
    return undefined;
  }
}
