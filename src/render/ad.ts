import { deflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, PDFStream, decodePDFRawStream, type PDFContext, type PDFObject } from 'pdf-lib';
import { pageEntry } from '../ads/page.js';
import type { PreparedAd } from '../ads/prepare.js';
import type { PlacedSpace } from '../page/types.js';
import { rawObject } from './pdfx.js';

/**
 * An advertiser's page written into our document as a form XObject: its content stream(s) and the
 * object graph its resources reach, copied object by object as the file has them, so images keep
 * their own encoding and every colour its own values. Objects are numbered in the order the walk
 * from the page meets them, so the same ad gives the same bytes on every run.
 */

type Ref = { data: unknown; end(b?: Uint8Array): void; compress: boolean; toString(): string };
type Doc = PDFKit.PDFDocument & {
  ref(data: unknown): Ref;
  page: PDFKit.PDFPage & { xobjects: Record<string, unknown>; ext_gstates: Record<string, unknown> };
};

/**
 * What the page's drawing leaves in the graphics state, put back to PDF's initial state before the
 * ad is drawn: the ad was made on a page of its own, where nothing overprints and lines are 1 pt.
 */
const INITIAL_STATE = '1 w 0 J 0 j 10 M [] 0 d 0 g 0 G /GSad gs';

/** The ads of one document: each advertisement's form written once, however many spaces place it. */
export class DocumentAds {
  private readonly forms = new Map<string, Ref>();
  private initial: Ref | undefined;

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  /** Draws the ad centred in its space, unscaled: the trim's centre on the space's centre. */
  place(ad: PreparedAd, space: PlacedSpace): void {
    const doc = this.doc as Doc;
    let form = this.forms.get(ad.digest);
    if (!form) this.forms.set(ad.digest, (form = writeForm(doc, ad)));
    const name = `Ad${[...this.forms.keys()].indexOf(ad.digest) + 1}`;
    doc.page.xobjects[name] = form;
    if (!this.initial) {
      this.initial = doc.ref({ Type: 'ExtGState', OP: false, op: false, OPM: 0 });
      this.initial.end();
    }
    doc.page.ext_gstates.GSad = this.initial;
    const [x0, y0, x1, y1] = ad.trim;
    const left = space.x + (space.width - (x1 - x0)) / 2;
    const top = space.y + (space.height - (y1 - y0)) / 2;
    // The page's own space runs down from its top (pdfkit's flip); the ad's runs up from its trim's foot.
    const f = (n: number) => Number(n.toFixed(4));
    doc.addContent(`q ${INITIAL_STATE} 1 0 0 -1 ${f(left - x0)} ${f(top + y1)} cm /${name} Do Q`);
  }
}

/** The page as a form: its trim as the bounding box (what bleeds past it is not ours to print), its resources and content. */
function writeForm(doc: Doc, ad: PreparedAd): Ref {
  const copier = new GraphCopier(doc, ad.pdf.context);
  const page = ad.page;
  const entries = [`/Type /XObject /Subtype /Form /FormType 1 /BBox [${ad.trim.join(' ')}]`];
  const resources = pageEntry(page, 'Resources');
  if (resources) entries.push(`/Resources ${copier.value(resources)}`);
  const group = page.get(PDFName.of('Group'));
  if (group) entries.push(`/Group ${copier.value(group)}`);
  const { bytes, filter } = pageContent(page, copier);
  if (filter) entries.push(filter);
  const form = doc.ref({});
  endStream(doc, form, `<<${entries.join(' ')}`, bytes);
  copier.finish();
  return form;
}

/**
 * The page's content: a single stream as the file has it, with its filters; several, one program
 * as PDF reads them, joined with a line break between and deflated.
 */
function pageContent(page: PDFDict, copier: GraphCopier): { bytes: Uint8Array; filter?: string } {
  const contents = page.lookup(PDFName.of('Contents'));
  if (contents instanceof PDFRawStream) {
    const filter = ['Filter', 'DecodeParms'].flatMap((k) => {
      const v = contents.dict.get(PDFName.of(k));
      return v ? [`/${k} ${copier.value(v)}`] : [];
    });
    return { bytes: contents.contents, filter: filter.join(' ') || undefined };
  }
  if (!(contents instanceof PDFArray)) return { bytes: new Uint8Array() };
  const parts = contents.asArray().map((p) => page.context.lookup(p)).filter((p): p is PDFRawStream => p instanceof PDFRawStream);
  const program = Buffer.concat(parts.flatMap((p) => [Buffer.from(decodePDFRawStream(p).decode()), Buffer.from('\n')]));
  return { bytes: deflateSync(program), filter: '/Filter /FlateDecode' };
}

/**
 * Copies objects of the ad's file into ours: each indirect object met gets a number of ours when
 * first met and is written once, streams with their bytes untouched. A page or page-tree node is
 * never copied (a resource that points back at the page would bring in the whole file): it becomes null.
 */
class GraphCopier {
  private readonly mapped = new Map<PDFRef, Ref>();
  private readonly waiting: [PDFRef, Ref][] = [];

  constructor(
    private readonly doc: Doc,
    private readonly context: PDFContext,
  ) {}

  /** An object in PDF syntax, with the ad's references turned into ours; bytes as latin1 characters. */
  value(o: PDFObject): string {
    if (o instanceof PDFRef) return this.reference(o);
    if (o instanceof PDFDict) return isPageNode(o) ? 'null' : this.dict(o.entries());
    if (o instanceof PDFArray) return `[${o.asArray().map((v) => this.value(v)).join(' ')}]`;
    // A stream is only ever reached through a reference.
    if (o instanceof PDFStream) return 'null';
    return o.toString();
  }

  private dict(entries: [PDFName, PDFObject][]): string {
    return `<<${entries.map(([k, v]) => `${k.toString()} ${this.value(v)}`).join(' ')}>>`;
  }

  private reference(r: PDFRef): string {
    let ours = this.mapped.get(r);
    if (!ours) {
      ours = this.doc.ref({});
      ours.compress = false;
      this.mapped.set(r, ours);
      this.waiting.push([r, ours]);
    }
    return ours.toString();
  }

  /** Writes every object met so far, and those they meet in turn. */
  finish(): void {
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      const [r, ours] = next;
      const o = this.context.lookup(r);
      if (o instanceof PDFStream) {
        const dict = this.dict(o.dict.entries().filter(([k]) => k !== LENGTH));
        endStream(this.doc, ours, dict.slice(0, -2), o.getContents());
      } else {
        ours.data = rawObject(this.doc, o === undefined ? 'null' : this.value(o));
        ours.end();
      }
    }
  }
}

const LENGTH = PDFName.of('Length');

/**
 * Ends a stream object with its bytes as they are (no compression of ours): `open` is its
 * dictionary without the closing >>, which gets the length. pdfkit writes no stream at all for
 * no bytes, so an empty one is written out here.
 */
function endStream(doc: Doc, ref: Ref, open: string, bytes: Uint8Array): void {
  ref.compress = false;
  if (bytes.length === 0) {
    ref.data = rawObject(doc, `${open} /Length 0>>\nstream\n\nendstream`);
    ref.end();
    return;
  }
  ref.data = rawObject(doc, `${open} /Length ${bytes.length}>>`);
  ref.end(bytes);
}
const PAGE_NODES = new Set(['Page', 'Pages']);

function isPageNode(d: PDFDict): boolean {
  const type = d.get(PDFName.of('Type'));
  return type instanceof PDFName && PAGE_NODES.has(type.decodeText());
}

