import sharp from 'sharp';
import type { FontRegistry } from '../fonts/registry.js';
import type { PreparedPicture } from '../images/prepare.js';
import type { ComposedPage, Finding, PlacedFrame } from '../page/types.js';
import type { ProofAds } from './ad.js';
import { pageSvg, type Overlay } from './svg.js';

/** PNG proofs at `dpi`, one per page asked for: the page model drawn through SVG, pictures in sRGB, ads as `ads` shows them. */
export async function proofPng(page: ComposedPage, fonts: FontRegistry, images: ReadonlyMap<PlacedFrame, PreparedPicture>, findings: Finding[], overlays: ReadonlySet<Overlay>, dpi: number, ads?: ProofAds): Promise<Buffer> {
  const pictures = new Map<PlacedFrame, string>();
  for (const frame of page.frames) {
    const prepared = images.get(frame);
    if (!prepared) continue;
    // Small enough for the proof's resolution, in the screen's colours.
    const width = Math.max(1, Math.round((frame.width / 72) * dpi));
    const png = await sharp(prepared.jpeg).pipelineColourspace('cmyk').toColourspace('srgb').resize(width).png().toBuffer();
    pictures.set(frame, `data:image/png;base64,${png.toString('base64')}`);
  }
  const svg = pageSvg(page, fonts, pictures, findings, overlays, ads);
  // The SVG is our own: libxml2's guard against huge text nodes would refuse a picture's data URL
  // past 10 MB, which a large picture reaches above about 400 dpi.
  return sharp(Buffer.from(svg), { density: dpi, limitInputPixels: false, unlimited: true }).png().toBuffer();
}
