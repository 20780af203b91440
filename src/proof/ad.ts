import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Ads, PreparedAd } from '../ads/prepare.js';
import type { ComposedPage, Finding, PlacedSpace } from '../page/types.js';
import { importPdfJs } from '../outside.js';

/**
 * 广告 on the proof: the advertiser's page drawn by pdf.js at the proof's resolution, where and as
 * the PDF places it (its trim centred in the space, unscaled, clipped to the trim and the space),
 * in pdf.js's screen colours. pdf.js and its canvas are loaded only for a page that places an ad.
 */

/** An ad space as the proof shows it: the advertiser's page as a PNG data URL, else why the proof shows none (one line per reason). */
export type ProofAd = { href: string } | { why: string[] };
export type ProofAds = ReadonlyMap<PlacedSpace, ProofAd>;

export interface DrawnAds {
  ads: Map<PlacedSpace, ProofAd>;
  /** A warning for each ad pdf.js could not draw: the PDF places it all the same. */
  findings: Finding[];
}

const POINTS_PER_INCH = 72;

/** What the page's ad spaces show on a proof at `dpi`, from the ads as compose prepared them. */
export async function proofAds(page: ComposedPage, ads: Ads, dpi: number): Promise<DrawnAds> {
  const shown = new Map<PlacedSpace, ProofAd>();
  const findings: Finding[] = [];
  for (const space of page.spaces) {
    const why = ads.refused.get(space);
    if (why) shown.set(space, { why: why.map((reason) => `refused: ${reason}`) });
    const ad = ads.placed.get(space);
    if (!ad) continue;
    try {
      const png = await drawAd(ad, space, dpi);
      shown.set(space, { href: `data:image/png;base64,${png.toString('base64')}` });
    } catch (e) {
      const reason = `pdf.js cannot draw it (${e instanceof Error ? e.message : String(e)})`;
      shown.set(space, { why: [`not drawn: ${reason}; the PDF places it as the file has it`] });
      findings.push({ code: 'ad-proof', blocking: false, page: page.number, pos: space.pos, message: `${ad.name}: ${reason}; the proof shows its space labelled, the PDF places it as the file has it` });
    }
  }
  return { ads: shown, findings };
}

let pdfjs: ReturnType<typeof importPdfJs> | undefined;
const loadPdfJs = () => (pdfjs ??= importPdfJs());

/** pdf.js's own data, found beside its installed files: fonts it may substitute, CMaps, its decoders. */
function pdfjsData() {
  const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const folder = (name: string) => `${join(root, name)}/`;
  return { standardFontDataUrl: folder('standard_fonts'), cMapUrl: folder('cmaps'), wasmUrl: folder('wasm') };
}

/** The canvas pdf.js makes in Node, as far as this stage uses it. */
interface NodeCanvas {
  canvas: { encode(format: 'png'): Promise<Buffer> };
  context: CanvasRenderingContext2D;
}

/** The ad's page on a canvas the size of its space at `dpi`, as a PNG. */
async function drawAd(ad: PreparedAd, space: PlacedSpace, dpi: number): Promise<Buffer> {
  const { getDocument, AnnotationMode, VerbosityLevel } = await loadPdfJs();
  const scale = dpi / POINTS_PER_INCH;
  // pdf.js takes the bytes it is given into its worker; the prepared ad keeps its own.
  const task = getDocument({ data: new Uint8Array(ad.bytes), verbosity: VerbosityLevel.ERRORS, isEvalSupported: false, ...pdfjsData() });
  try {
    const doc = await task.promise;
    const page = await doc.getPage(ad.number);
    const [x0, y0, x1, y1] = ad.trim;
    // The trim's top-left corner in the space, pt: centred, as the PDF places it.
    const left = (space.width - (x1 - x0)) / 2;
    const top = (space.height - (y1 - y0)) / 2;
    const [viewLeft, , , viewTop] = page.view;
    const viewport = page.getViewport({ scale, rotation: 0, offsetX: (left - (x0 - viewLeft)) * scale, offsetY: (top - (viewTop - y1)) * scale });
    const { canvas, context } = (doc.canvasFactory as { create(width: number, height: number): NodeCanvas }).create(Math.max(1, Math.round(space.width * scale)), Math.max(1, Math.round(space.height * scale)));
    // What lies past the trim is not printed: the form's bounding box is the trim.
    context.beginPath();
    context.rect(left * scale, top * scale, (x1 - x0) * scale, (y1 - y0) * scale);
    context.clip();
    await page.render({ canvas: canvas as unknown as HTMLCanvasElement, canvasContext: context, viewport, annotationMode: AnnotationMode.DISABLE }).promise;
    return await canvas.encode('png');
  } finally {
    await task.destroy();
  }
}
