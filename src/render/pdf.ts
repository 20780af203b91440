import { createHash, type Hash } from 'node:crypto';
import { constants, deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import type { FontRegistry } from '../fonts/registry.js';
import type { PreparedPicture } from '../images/prepare.js';
import type { OutputProfile } from '../images/profile.js';
import type { PdfxLevel } from '../layout/template.js';
import { DocumentFonts, type PageFaces } from './fonts.js';
import { addContent, drawGlyphs, num, type DrawnRun, type RunMemory } from './text.js';
import { PDFX, contentId, pageContent, declareOutputIntent, declareX4Metadata, infoName, overprintStates, useStates } from './pdfx.js';
import type { ComposedPage, Composition, Ink, PlacedFrame, PlacedGlyph, PlacedRule, PlacedSpace } from '../page/types.js';
import type { PreparedAd } from '../ads/prepare.js';
import type { DocumentAds } from './ad.js';
import { pictureDigest } from './store.js';

type Doc = PDFKit.PDFDocument & {
  openImage(src: Buffer): { obj: unknown; embed(doc: PDFKit.PDFDocument): void };
  page: PDFKit.PDFPage & { xobjects: Record<string, unknown>; content: { buffer: Uint8Array[]; compress: boolean; data: Record<string, unknown> } };
};

/** Process black: text, rules and frames are K only, never RGB. */
const BLACK: [number, number, number, number] = [0, 0, 0, 100];
/**
 * Content streams are deflated at zlib's fastest level: the default took four times as long for
 * streams 14 % smaller, and the streams are a small part of a file that carries its fonts.
 */
const CONTENT_DEFLATE_LEVEL = constants.Z_BEST_SPEED;
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
export async function renderPdf(c: Composition, fonts: FontRegistry, meta: RenderMeta, images: ReadonlyMap<PlacedFrame, PreparedPicture>, profile: OutputProfile, ads: ReadonlyMap<PlacedSpace, PreparedAd> = new Map(), drawn?: DrawnPages): Promise<Buffer> {
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
  const written = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const embedded = new DocumentFonts(doc, fonts);
  // Only an issue with advertisements loads their writer and pdf-lib.
  const placedAds = ads.size ? new (await import('./ad.js')).DocumentAds(doc) : undefined;
  const drawing = drawn?.render(fonts);
  // The file's /ID: a hash of what is drawn (each page's content stream and pictures), and of
  // the font subsets they draw with.
  const content = createHash('md5');
  for (const page of c.pages) {
    startPage(doc, page, states);
    // A page with an advertisement names its forms in the document's order: it is drawn every time.
    const placesAds = page.spaces.some((space) => ads.has(space));
    const key = drawing && !placesAds ? drawKey(page, images) : undefined;
    let done = key === undefined ? undefined : drawing!.known(key, page.glyphs);
    if (done) {
      // Drawn by an earlier render from the same glyphs, rules and pictures: only its resources
      // are made again, in the order drawing it makes them (pictures, then fonts new to the
      // document), so the file is the one drawing gives.
      page.frames.forEach((f, k) => {
        const picture = images.get(f);
        if (picture) placePicture(doc, picture.jpeg, f, k);
      });
    } else {
      done = drawPage(doc, page, fonts, images, ads, placedAds, drawing?.runs);
      drawing?.drew();
    }
    if (drawing) for (const run of done.runs) drawing.runs.keep(run);
    embedded.onPage(done.faces);
    if (key !== undefined) drawing!.keep(key, done);
    setContent(doc, done.content);
    content.update(done.digest);
  }
  for (const subset of embedded.embed()) content.update(subset);
  const hash = content.digest('hex');
  contentId(doc, hash, meta.pdfx);
  if (meta.pdfx === 'PDF/X-4') declareX4Metadata(doc, hash);
  doc.end();
  const bytes = await written;
  drawing?.settle();
  return bytes;
}

/** A new page of the document, trimmed to the page's size, with the overprint states. */
function startPage(doc: PDFKit.PDFDocument, page: ComposedPage, states: ReturnType<typeof overprintStates>): void {
  const { trimWidth: w, trimHeight: h } = page.geometry;
  doc.addPage({ size: [w, h], margin: 0 });
  const box = [0, 0, w, h];
  Object.assign(doc.page.dictionary.data, { TrimBox: box, BleedBox: box });
  // pdfkit writes /UserUnit 1 on every page, which the GWG newspaper preflight profiles reject; 1 is the default anyway.
  delete (doc.page.dictionary.data as { UserUnit?: number }).UserUnit;
  useStates(doc, states);
}

/** What a render did with its pages: drawn afresh, or their content streams taken from the last render. */
export interface PageCounts {
  drawn: number;
  kept: number;
}

/** A page as drawn: its content stream deflated, the faces it draws with, its digest for the file's /ID, and its runs of glyphs. */
interface DrawnPage {
  glyphs: readonly PlacedGlyph[];
  content: Buffer;
  faces: PageFaces;
  digest: Buffer;
  runs: readonly DrawnRun[];
}

/**
 * The pages a warm process (the preview, `compose --watch`) drew last, by a key of everything
 * their content streams are drawn from: a render after an edit deflates again only the pages the
 * edit reached. Only the last render's pages are kept, so memory follows the issue.
 */
export class DrawnPages {
  private last = new Map<string, DrawnPage[]>();
  private lastRuns = new Map<PlacedGlyph, DrawnRun>();
  private fonts: FontRegistry | undefined;
  private told: PageCounts = { drawn: 0, kept: 0 };

  /** What the last render that wrote its file did with its pages. */
  counts(): PageCounts {
    return this.told;
  }

  /** One render's view: the pages known, those it keeps, and what to call once its file is written. */
  render(fonts: FontRegistry) {
    // Glyph ids are the registry's: pages drawn with other fonts are never drawn the same.
    if (fonts !== this.fonts) {
      this.last.clear();
      this.lastRuns.clear();
    }
    this.fonts = fonts;
    const kept = new Map<string, DrawnPage[]>();
    const keptRuns = new Map<PlacedGlyph, DrawnRun>();
    const runs: RunMemory = {
      known: (first) => this.lastRuns.get(first),
      keep: (run) => void keptRuns.set(run.from[run.start], run),
    };
    const counting: PageCounts = { drawn: 0, kept: 0 };
    return {
      known: (key: string, glyphs: readonly PlacedGlyph[]) => {
        const page = this.last.get(key)?.find((p) => sameDrawing(p.glyphs, glyphs));
        if (page) counting.kept++;
        return page;
      },
      keep: (key: string, page: DrawnPage) => {
        const pages = kept.get(key);
        if (pages) pages.push(page);
        else kept.set(key, [page]);
      },
      drew: () => void counting.drawn++,
      runs,
      settle: () => {
        this.last = kept;
        this.lastRuns = keptRuns;
        this.told = counting;
      },
    };
  }
}

/**
 * Everything a page's content stream is drawn from but its glyphs: trim, rules, frames and
 * pictures. The glyphs are compared one by one with those of the pages kept under the key, most
 * of them the very objects drawn last, which is quicker than hashing thousands of them.
 */
function drawKey(page: ComposedPage, images: ReadonlyMap<PlacedFrame, PreparedPicture>): string {
  const frames = page.frames.map((f) => {
    const jpeg = images.get(f)?.jpeg;
    return [f.x, f.y, f.width, f.height, f.lineWidth, jpeg ? pictureDigest(jpeg) : ''];
  });
  return JSON.stringify([page.geometry.trimWidth, page.geometry.trimHeight, page.rules, frames]);
}

/** Whether two pages' glyphs draw the same: the same glyphs, in the same places and forms (not where their text was filed). */
function sameDrawing(a: readonly PlacedGlyph[], b: readonly PlacedGlyph[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const g = a[k];
    const h = b[k];
    if (g !== h && !(g.ch === h.ch && g.face === h.face && g.size === h.size && g.x === h.x && g.y === h.y && g.fullWidth === h.fullWidth && g.halfWidth === h.halfWidth && sameInk(g.ink, h.ink) && g.actualText === h.actualText)) return false;
  }
  return true;
}

const sameInk = (a: Ink | undefined, b: Ink | undefined) => a === b || (!!a && !!b && a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3]);

/** Draws the current page's content: glyphs, rules, frames and pictures, advertisements. */
function drawPage(doc: PDFKit.PDFDocument, page: ComposedPage, fonts: FontRegistry, images: ReadonlyMap<PlacedFrame, PreparedPicture>, ads: ReadonlyMap<PlacedSpace, PreparedAd>, placedAds: DocumentAds | undefined, known?: RunMemory): DrawnPage {
  const pictures: Buffer[] = [];
  for (const f of page.frames) {
    const picture = images.get(f);
    if (picture) pictures.push(picture.jpeg);
  }
  const digest = picturesHashed(pictures);
  const runs: DrawnRun[] = [];
  doc.fillColor(BLACK).strokeColor(BLACK);
  let overprinting: boolean | undefined;
  const state = (overprint: boolean) => {
    if (overprint !== overprinting) addContent(doc, overprint ? '/GSop gs' : '/GSko gs');
    overprinting = overprint;
  };
  // Black text below 12 pt overprints, so misregistration never shows white round the letters;
  // colour (the masthead's red) always knocks out, or the black under it would show through.
  let ink: readonly number[] = BLACK;
  const faces = drawGlyphs(doc, page.glyphs, fonts, (glyph, flush) => {
    const wanted = glyph.ink ?? BLACK;
    const overprint = !glyph.ink && glyph.size < OVERPRINT_BELOW;
    if (wanted === ink && overprint === overprinting) return;
    flush();
    if (wanted !== ink) doc.fillColor([...wanted] as [number, number, number, number]);
    ink = wanted;
    state(overprint);
  }, known && { known: known.known, keep: (run) => void runs.push(run) });
  if (ink !== BLACK) doc.fillColor(BLACK);
  state(true);
  for (const r of page.rules) stroke(doc, r);
  page.frames.forEach((f, k) => {
    const picture = images.get(f);
    if (picture) {
      state(false);
      addContent(doc, placePicture(doc, picture.jpeg, f, k));
    } else {
      state(true);
      doc.lineWidth(f.lineWidth).rect(f.x, f.y, f.width, f.height).stroke();
    }
  });
  for (const space of page.spaces) {
    const ad = ads.get(space);
    if (!ad || !placedAds) continue;
    placedAds.place(ad, space);
    digest.update(ad.digest);
  }
  const stream = Buffer.concat(pageContent(doc));
  return { glyphs: page.glyphs, content: deflateSync(stream, { level: CONTENT_DEFLATE_LEVEL }), faces, digest: digest.update(stream).digest(), runs };
}

/** A page's pictures hashed, by the pictures before them: node of a trie whose edges are the pictures' bytes. */
interface HashedPictures {
  hash: Hash;
  next: WeakMap<Buffer, HashedPictures>;
}
const hashedPictures = new WeakMap<Buffer, HashedPictures>();

/**
 * The page digest's state once its pictures are hashed into it, in frame order: hashing each
 * picture's megabyte again would cost every render of the page; the state is kept and copied.
 */
function picturesHashed(pictures: readonly Buffer[]): Hash {
  let known: HashedPictures | undefined;
  for (const jpeg of pictures) {
    const into = known ? known.next : hashedPictures;
    let node = into.get(jpeg);
    if (!node) into.set(jpeg, (node = { hash: (known ? known.hash.copy() : createHash('md5')).update(jpeg), next: new WeakMap() }));
    known = node;
  }
  return known ? known.hash.copy() : createHash('md5');
}

/**
 * Embeds a picture as an image of the current page, named by its frame's place among the page's
 * frames (not by the pictures before it in the document), and returns the content that draws it.
 */
function placePicture(pdf: PDFKit.PDFDocument, jpeg: Buffer, f: PlacedFrame, k: number): string {
  const doc = pdf as Doc;
  const image = doc.openImage(jpeg);
  image.embed(doc);
  const name = `Im${k + 1}`;
  doc.page.xobjects[name] = image.obj;
  return `q ${num(f.width)} 0 0 ${num(-f.height)} ${num(f.x)} ${num(f.y + f.height)} cm /${name} Do Q`;
}

/** The current page's content stream as deflated already, in place of what pdfkit would deflate at the page's end. */
function setContent(pdf: PDFKit.PDFDocument, deflated: Buffer): void {
  const content = (pdf as Doc).page.content;
  content.buffer = [deflated];
  content.compress = false;
  content.data.Filter = 'FlateDecode';
}

function stroke(doc: PDFKit.PDFDocument, r: PlacedRule): void {
  doc.lineWidth(r.width).moveTo(r.x1, r.y1).lineTo(r.x2, r.y2).stroke();
}
