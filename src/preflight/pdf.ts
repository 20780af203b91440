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

/**
 * A small read-only view of a PDF's objects over pdf-lib: what the preflight checks need to walk
 * catalogs, pages, resources and content streams without pdf-lib's types at every step.
 */
export class PdfView {
  private constructor(
    readonly doc: PDFDocument,
    readonly header: string,
  ) {}

  static async open(bytes: Uint8Array): Promise<PdfView> {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: true });
    const header = Buffer.from(bytes.subarray(0, 16)).toString('latin1').match(/%PDF-(\d\.\d)/)?.[1] ?? '';
    return new PdfView(doc, header);
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

  /** A stream's bytes with its filters undone (all but DCT, whose bytes are the JPEG). */
  bytes(o: PDFObject | undefined): Uint8Array {
    const r = this.resolve(o);
    if (!(r instanceof PDFRawStream)) return new Uint8Array();
    const filters = [this.name(r.dict.get(PDFName.of('Filter'))), ...this.array(r.dict.get(PDFName.of('Filter'))).map((f) => this.name(f))];
    if (filters.includes('DCTDecode')) return r.contents;
    return decodePDFRawStream(r).decode();
  }

  /** Pages in order, each as its page dictionary (inherited entries resolved by pdf-lib's leaves). */
  pages(): PDFDict[] {
    return this.doc.getPages().map((p) => p.node as unknown as PDFDict);
  }

  /** A page entry that may be inherited from the page tree. */
  inherited(page: PDFDict, key: string): PDFObject | undefined {
    let node: PDFObject | undefined = page;
    while (node) {
      const v = this.get(node, key);
      if (v !== undefined) return v;
      node = this.get(node, 'Parent');
    }
    return undefined;
  }
}
