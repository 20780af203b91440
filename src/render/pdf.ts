import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type { FontRegistry } from '../fonts/registry.js';
import type { PreparedPicture } from '../images/prepare.js';
import type { OutputProfile } from '../images/profile.js';
import type { PdfxLevel } from '../layout/template.js';
import { DocumentFonts } from './fonts.js';
import { drawGlyphs } from './text.js';
import { PDFX, contentId, pageContent, declareOutputIntent, declareX4Metadata, infoName, overprintStates, useStates } from './pdfx.js';
import type { Composition, PlacedFrame, PlacedRule, PlacedSpace } from '../page/types.js';
import type { PreparedAd } from '../ads/prepare.js';

/** Process black: text, rules and frames are K only, never RGB. */
const BLACK: [number, number, number, number] = [0, 0, 0, 100];
/** GWG: K text below 12 pt overprints; larger type knocks out. */
const OVERPRINT_BELOW = 12;

export interface RenderMeta {
  title: string;
  /** The date: the PDF's dates come from it, not from the clock, so the bytes repeat. */
  date: string;
  pdfx: PdfxLevel;
}

/**
 * Writes the composed pages as PDF bytes. Decides nothing about layout: every glyph, rule and
 * frame is drawn where the page stage put it. Rendering is the only stage that knows pdfkit.
 */
export async function renderPdf(c: Composition, fonts: FontRegistry, meta: RenderMeta, images: ReadonlyMap<PlacedFrame, PreparedPicture>, profile: OutputProfile, ads: ReadonlyMap<PlacedSpace, PreparedAd> = new Map()): Promise<Buffer> {
  const when = new Date(`${meta.date}T00:00:00Z`);
  const level = PDFX[meta.pdfx];
  const doc = new PDFDocument({
    autoFirstPage: false,
    // No default Helvetica: every face drawn is one of ours, written by DocumentFonts.
    font: null as unknown as string,
    compress: true,
    pdfVersion: level.pdfVersion,
    info: { Title: meta.title, Producer: 'Banmian', Creator: 'Banmian', CreationDate: when, ModDate: when, ...level.info },
  });
  (doc.info as Record<string, unknown>).Trapped = infoName(doc, 'False');
  declareOutputIntent(doc, profile, c.pages[0]?.template.pictures.condition);
  const states = overprintStates(doc);
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const embedded = new DocumentFonts(doc, fonts);
  // Only an issue with advertisements loads their writer and pdf-lib.
  const placedAds = ads.size ? new (await import('./ad.js')).DocumentAds(doc) : undefined;
  // The file's /ID: a hash of what is drawn (the content streams' bytes and the pictures'), and
  // of the font subsets they draw with.
  const content = createHash('md5');
  for (const page of c.pages) {
    const { trimWidth: w, trimHeight: h } = page.geometry;
    doc.addPage({ size: [w, h], margin: 0 });
    const box = [0, 0, w, h];
    Object.assign(doc.page.dictionary.data, { TrimBox: box, BleedBox: box });
    // pdfkit writes /UserUnit 1 on every page, which the GWG newspaper preflight profiles reject; 1 is the default anyway.
    delete (doc.page.dictionary.data as { UserUnit?: number }).UserUnit;
    useStates(doc, states);
    doc.fillColor(BLACK).strokeColor(BLACK);
    let overprinting: boolean | undefined;
    const state = (overprint: boolean) => {
      if (overprint !== overprinting) doc.addContent(overprint ? '/GSop gs' : '/GSko gs');
      overprinting = overprint;
    };
    // Black text below 12 pt overprints, so misregistration never shows white round the letters;
    // colour (the masthead's red) always knocks out, or the black under it would show through.
    let ink: readonly number[] = BLACK;
    drawGlyphs(doc, page.glyphs, fonts, embedded, (glyph) => {
      const wanted = glyph.ink ?? BLACK;
      if (wanted !== ink) doc.fillColor([...wanted] as [number, number, number, number]);
      ink = wanted;
      state(!glyph.ink && glyph.size < OVERPRINT_BELOW);
    });
    if (ink !== BLACK) doc.fillColor(BLACK);
    state(true);
    for (const r of page.rules) stroke(doc, r);
    for (const f of page.frames) {
      const picture = images.get(f);
      if (picture) {
        state(false);
        doc.image(picture.jpeg, f.x, f.y, { width: f.width, height: f.height });
        content.update(picture.jpeg);
      } else {
        state(true);
        doc.lineWidth(f.lineWidth).rect(f.x, f.y, f.width, f.height).stroke();
      }
    }
    for (const space of page.spaces) {
      const ad = ads.get(space);
      if (!ad || !placedAds) continue;
      placedAds.place(ad, space);
      content.update(ad.digest);
    }
    for (const chunk of pageContent(doc)) content.update(chunk);
  }
  for (const subset of embedded.embed()) content.update(subset);
  const hash = content.digest('hex');
  contentId(doc, hash, meta.pdfx);
  if (meta.pdfx === 'PDF/X-4') declareX4Metadata(doc, hash);
  doc.end();
  return done;
}

function stroke(doc: PDFKit.PDFDocument, r: PlacedRule): void {
  doc.lineWidth(r.width).moveTo(r.x1, r.y1).lineTo(r.x2, r.y2).stroke();
}
