import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { OutputProfile } from '../images/profile.js';
import type { PdfxLevel, PictureSettings } from '../layout/template.js';
import { kept, sha256 } from './store.js';

/**
 * The pieces of PDF/X-1a:2001 that pdfkit does not write by itself, each a small step on the
 * document before it ends: the output intent with its embedded profile, /Trapped as a name, the
 * overprint graphics states, and a file identifier derived from the content.
 */

type Doc = PDFKit.PDFDocument & {
  ref(data: unknown): { write(b: Buffer): void; end(b?: Buffer): void };
  _root: { data: Record<string, unknown> };
  _id: Buffer;
  page: PDFKit.PDFPage & { ext_gstates: Record<string, unknown>; content: { buffer: Uint8Array[] } };
};

/** What each level writes: the PDF version it is bound to and its Info identification. */
export const PDFX: Record<PdfxLevel, { pdfVersion: '1.3' | '1.6'; info: Record<string, string> }> = {
  'PDF/X-1a': { pdfVersion: '1.3', info: { GTS_PDFXVersion: 'PDF/X-1:2001', GTS_PDFXConformance: 'PDF/X-1a:2001' } },
  'PDF/X-4': { pdfVersion: '1.6', info: { GTS_PDFXVersion: 'PDF/X-4' } },
};

/**
 * PDF/X-4 identifies itself in the XMP metadata (ISO 15930-7): the version, /Trapped, and the
 * document and version ids, here derived from the content so the bytes still repeat.
 */
export function declareX4Metadata(pdf: PDFKit.PDFDocument, contentHash: string): void {
  // pdfkit writes the XMP's CreateDate from Info's; its ModifyDate and MetadataDate are Info's ModDate, so the two never disagree.
  const modified = xmpDate((pdf as unknown as { info: { ModDate: Date } }).info.ModDate);
  const id = `uuid:${contentHash.slice(0, 8)}-${contentHash.slice(8, 12)}-${contentHash.slice(12, 16)}-${contentHash.slice(16, 20)}-${contentHash.slice(20, 32)}`;
  (pdf as unknown as { appendXML(xml: string): void }).appendXML(`
        <rdf:Description rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
            <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
            <xmpMM:DocumentID>${id}</xmpMM:DocumentID>
            <xmpMM:VersionID>1</xmpMM:VersionID>
            <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
            <xmp:ModifyDate>${modified}</xmp:ModifyDate>
            <xmp:MetadataDate>${modified}</xmp:MetadataDate>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
            <pdf:Trapped>False</pdf:Trapped>
        </rdf:Description>`);
}

/** A date as XMP writes it, to the second in UTC: pdfkit's form for CreateDate. */
const xmpDate = (d: Date) => `${d.toISOString().split('.')[0]}Z`;

/** Each profile's hash, its key among the kept entries: hashing its megabyte again would cost every document. */
const profileKeys = new WeakMap<Buffer, string>();

/**
 * One /OutputIntents entry, /S /GTS_PDFX, with the plant's profile as /DestOutputProfile, naming the
 * registered output condition where the layout gives one (a RIP matches CGATS TR 002 by its name)
 * and the profile's own description as the condition's words.
 */
export function declareOutputIntent(pdf: PDFKit.PDFDocument, profile: OutputProfile, condition?: PictureSettings['condition']): void {
  const doc = pdf as Doc;
  // Deflated once per profile and kept: pdfkit would deflate its megabyte on every document.
  let key = profileKeys.get(profile.icc);
  if (!key) profileKeys.set(profile.icc, (key = sha256(profile.icc)));
  const icc = doc.ref({ N: 4, Filter: 'FlateDecode' });
  icc.end(kept(`${key}.icc.z`, () => deflateSync(profile.icc)));
  const described = new String(profile.description);
  const intent = doc.ref({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: new String(condition?.identifier ?? profile.description),
    ...(condition ? { OutputCondition: described } : {}),
    ...(condition?.registry ? { RegistryName: new String(condition.registry) } : {}),
    Info: described,
    DestOutputProfile: icc,
  });
  intent.end();
  doc._root.data.OutputIntents = [intent];
}

/**
 * A value pdfkit writes as the PDF text given: an object of the reference family, whose toString
 * pdfkit serialises as it is. Carries names pdfkit would write as strings, and objects copied
 * from another file.
 */
export function rawObject(pdf: PDFKit.PDFDocument, text: string): unknown {
  const doc = pdf as Doc;
  const referenceClass = Object.getPrototypeOf((doc._root as object).constructor) as new () => object;
  return new (class extends referenceClass {
    override toString() {
      return text;
    }
  })();
}

/** pdfkit writes every Info value as a string; PDF/X wants /Trapped as the name /False. */
export function infoName(pdf: PDFKit.PDFDocument, name: string): unknown {
  return rawObject(pdf, `/${name}`);
}

/** Graphics states for K text and rules that overprint (OPM 1), and for what knocks out. */
export function overprintStates(pdf: PDFKit.PDFDocument): { overprint: unknown; knockout: unknown } {
  const doc = pdf as Doc;
  const overprint = doc.ref({ Type: 'ExtGState', OP: true, op: true, OPM: 1 });
  overprint.end();
  const knockout = doc.ref({ Type: 'ExtGState', OP: false, op: false });
  knockout.end();
  return { overprint, knockout };
}

/** Makes the states usable on the current page, as /GSop and /GSko. */
export function useStates(pdf: PDFKit.PDFDocument, states: { overprint: unknown; knockout: unknown }): void {
  const doc = pdf as Doc;
  doc.page.ext_gstates.GSop = states.overprint;
  doc.page.ext_gstates.GSko = states.knockout;
}

/** What the current page's content stream holds so far, before pdfkit compresses it at the page's end. */
export function pageContent(pdf: PDFKit.PDFDocument): readonly Uint8Array[] {
  return (pdf as Doc).page.content.buffer;
}

/**
 * The trailer /ID from what the pages hold, so equal issues give equal files on any machine, and
 * from the level: the X-1a and the X-4 rendition of one issue are two files, and a plant's system
 * that files PDFs by /ID must not take one for the other.
 */
export function contentId(pdf: PDFKit.PDFDocument, content: string, level: PdfxLevel): void {
  (pdf as Doc)._id = createHash('md5').update(level).update(content).digest();
}
