import { createHash } from 'node:crypto';
import type { OutputProfile } from '../images/profile.js';

/**
 * The pieces of PDF/X-1a:2001 that pdfkit does not write by itself, each a small step on the
 * document before it ends: the output intent with its embedded profile, /Trapped as a name, the
 * overprint graphics states, and a file identifier derived from the content.
 */

type Doc = PDFKit.PDFDocument & {
  ref(data: unknown): { write(b: Buffer): void; end(): void };
  _root: { data: Record<string, unknown> };
  _id: Buffer;
  page: PDFKit.PDFPage & { ext_gstates: Record<string, unknown> };
};

export const PDFX_INFO = { GTS_PDFXVersion: 'PDF/X-1:2001', GTS_PDFXConformance: 'PDF/X-1a:2001' } as const;

/** One /OutputIntents entry, /S /GTS_PDFX, with the plant's profile as /DestOutputProfile. */
export function declareOutputIntent(pdf: PDFKit.PDFDocument, profile: OutputProfile): void {
  const doc = pdf as Doc;
  const icc = doc.ref({ N: 4 });
  icc.write(profile.icc);
  icc.end();
  const condition = new String(profile.description);
  const intent = doc.ref({ Type: 'OutputIntent', S: 'GTS_PDFX', OutputConditionIdentifier: condition, Info: condition, DestOutputProfile: icc });
  intent.end();
  doc._root.data.OutputIntents = [intent];
}

/**
 * pdfkit writes every Info value as a string; PDF/X wants /Trapped as the name /False. An object
 * that pdfkit serialises as it is (the reference family's toString) carries the name through.
 */
export function infoName(pdf: PDFKit.PDFDocument, name: string): unknown {
  const doc = pdf as Doc;
  const referenceClass = Object.getPrototypeOf((doc._root as object).constructor) as new () => object;
  const value = new (class extends referenceClass {
    override toString() {
      return `/${name}`;
    }
  })();
  return value;
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

/** The trailer /ID from what the pages hold, so equal issues give equal files on any machine. */
export function contentId(pdf: PDFKit.PDFDocument, content: string): void {
  (pdf as Doc)._id = createHash('md5').update(content).digest();
}
