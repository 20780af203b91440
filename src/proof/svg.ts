import { basename } from 'node:path';
import type { FontRegistry } from '../fonts/registry.js';
import { formOf, type ComposedPage, type Finding, type Ink, type PlacedFrame, type PlacedSpace } from '../page/types.js';
import type { ProofAds } from './ad.js';

export type Overlay = 'grid' | 'ids' | 'overset' | 'holes';
export const OVERLAYS: readonly Overlay[] = ['grid', 'ids', 'overset', 'holes'];

/** A picture as the proof shows it: an sRGB rendering of the CMYK picture the PDF carries. */
export type ProofPictures = ReadonlyMap<PlacedFrame, string>;

/** A process colour on screen, by the naive CMYK → RGB conversion: enough to tell red from black on a proof. */
export const screenRgb = (ink: Ink): [number, number, number] => {
  const [c, m, y, k] = ink.map((v) => v / 100);
  const channel = (v: number) => Math.round(255 * (1 - v) * (1 - k));
  return [channel(c), channel(m), channel(y)];
};
const screenColour = (ink: Ink) => `rgb(${screenRgb(ink).join(',')})`;
/** The space label's size and the size of the reason under it, pt. */
const LABEL_SIZE = 14;
const WHY_SIZE = 8;
const WHY_LEADING = 1.25;
/** Characters of the reason per line, by the space's width: sans-serif Latin is about half an em wide. */
const WHY_EM_PER_CHARACTER = 0.5;

/** Why an ad's space stays white, under its label: wrapped to the space's width and clipped to the space. */
function whyText(sp: PlacedSpace, top: number, why: string[]): string {
  const perLine = Math.max(1, Math.floor((sp.width - 2 * WHY_SIZE) / (WHY_SIZE * WHY_EM_PER_CHARACTER)));
  const lines = why.flatMap((reason) => wrap(reason, perLine));
  const id = `why-${f2(sp.x)}-${f2(sp.y)}`.replace(/\./g, '_');
  const tspans = lines.map((l, i) => `<tspan x="${f2(sp.x + sp.width / 2)}" y="${f2(top + i * WHY_SIZE * WHY_LEADING)}">${escape(l)}</tspan>`).join('');
  return `<clipPath id="${id}"><rect x="${f2(sp.x)}" y="${f2(sp.y)}" width="${f2(sp.width)}" height="${f2(sp.height)}"/></clipPath><text clip-path="url(#${id})" text-anchor="middle" font-family="sans-serif" font-size="${WHY_SIZE}" fill="#c00000">${tspans}</text>`;
}

/** Text broken at spaces into lines of at most `width` characters (a longer word stands alone). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const f2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The page as SVG, drawn from the page model (not from the PDF): every glyph as its outline from
 * the font file, each outline defined once and used where it stands; rules, frames and pictures;
 * and the overlays the desk asks for.
 */
export function pageSvg(page: ComposedPage, fonts: FontRegistry, pictures: ProofPictures, findings: Finding[], overlays: ReadonlySet<Overlay>, ads: ProofAds = new Map()): string {
  const g = page.geometry;
  const defs = new Map<string, string>();
  const body: string[] = [];
  for (const gl of page.glyphs) {
    const font = fonts.face(gl.face).font;
    // The glyph the PDF draws for the character in its form.
    const glyph = font.getGlyph(fonts.drawing(gl.face, formOf(gl)).of(gl.ch).ids[0]);
    const id = `${gl.face}-${glyph.id}`;
    if (!defs.has(id)) defs.set(id, `<path id="${id}" d="${glyph.path.toSVG()}"/>`);
    const s = f2(gl.size / font.unitsPerEm);
    body.push(`<use href="#${id}" transform="translate(${f2(gl.x)} ${f2(gl.y)}) scale(${s} ${-s})"${gl.ink ? ` fill="${screenColour(gl.ink)}"` : ''}/>`);
  }
  for (const r of page.rules) body.push(`<line x1="${f2(r.x1)}" y1="${f2(r.y1)}" x2="${f2(r.x2)}" y2="${f2(r.y2)}" stroke="#000" stroke-width="${r.width}"/>`);
  for (const fr of page.frames) {
    const href = pictures.get(fr);
    if (href) body.push(`<image href="${href}" x="${f2(fr.x)}" y="${f2(fr.y)}" width="${f2(fr.width)}" height="${f2(fr.height)}" preserveAspectRatio="none"/>`);
    else body.push(`<rect x="${f2(fr.x)}" y="${f2(fr.y)}" width="${f2(fr.width)}" height="${f2(fr.height)}" fill="none" stroke="#000" stroke-width="${fr.lineWidth}"/>`);
  }
  // 广告位 / 预留: a labelled frame on the proof; the print PDF leaves the space empty for what comes later, or places the ad's file.
  for (const sp of page.spaces) {
    const shown = ads.get(sp);
    if (shown && 'href' in shown) {
      body.push(`<image href="${shown.href}" x="${f2(sp.x)}" y="${f2(sp.y)}" width="${f2(sp.width)}" height="${f2(sp.height)}" preserveAspectRatio="none"/>`);
      continue;
    }
    body.push(`<rect x="${f2(sp.x)}" y="${f2(sp.y)}" width="${f2(sp.width)}" height="${f2(sp.height)}" fill="${sp.ad ? '#e8e8e8' : 'none'}" stroke="#808080" stroke-width="0.8" stroke-dasharray="6 3"/>`);
    // An ad not drawn is named by its file, and says why its space stays white.
    const label = `${sp.kind === 'ad' ? '广告' : '预留'}${sp.label ? ` ${sp.label}` : ''}${sp.ad ? ` · ${basename(sp.ad.file)}${sp.ad.page ? ` p${sp.ad.page}` : ''}` : ''}`;
    const middle = sp.y + sp.height / 2;
    body.push(`<text x="${f2(sp.x + sp.width / 2)}" y="${f2(middle)}" text-anchor="middle" font-family="sans-serif" font-size="${LABEL_SIZE}" fill="#808080">${escape(label)}</text>`);
    if (shown && 'why' in shown) body.push(whyText(sp, middle + LABEL_SIZE, shown.why));
  }
  const over: string[] = [];
  if (overlays.has('holes')) {
    for (const h of page.holes) {
      const x = g.typeLeft + (h.columns[0] - 1) * (g.columnWidth + g.gutter);
      const width = (h.columns[1] - h.columns[0] + 1) * (g.columnWidth + g.gutter) - g.gutter;
      over.push(`<rect x="${f2(x)}" y="${f2(g.typeTop + (h.lines[0] - 1) * g.pitch)}" width="${f2(width)}" height="${f2((h.lines[1] - h.lines[0] + 1) * g.pitch)}" fill="#ff8000" fill-opacity="0.15" stroke="#ff8000" stroke-width="1.5"/>`);
    }
  }
  if (overlays.has('grid')) {
    for (let c = 0; c < g.columns; c++) {
      over.push(`<rect x="${f2(g.typeLeft + c * (g.columnWidth + g.gutter))}" y="${f2(g.typeTop)}" width="${f2(g.columnWidth)}" height="${f2(g.typeHeight)}" fill="#00a0e0" fill-opacity="0.07" stroke="#00a0e0" stroke-width="0.4"/>`);
    }
    for (let l = 1; l < g.lines; l++) {
      const y = f2(g.typeTop + l * g.pitch);
      over.push(`<line x1="${f2(g.typeLeft)}" y1="${y}" x2="${f2(g.typeLeft + g.typeWidth)}" y2="${y}" stroke="#00a0e0" stroke-width="${l % 10 === 0 ? 0.5 : 0.15}"/>`);
    }
  }
  const oversetIds = new Set(findings.filter((f) => f.code === 'overset' && f.page === page.number).map((f) => f.article));
  for (const b of page.boxes) {
    const red = overlays.has('overset') && oversetIds.has(b.id);
    if (!red && !overlays.has('ids')) continue;
    const colour = red ? '#e00000' : '#0050d0';
    over.push(`<rect x="${f2(b.x)}" y="${f2(b.y)}" width="${f2(b.width)}" height="${f2(b.height)}" fill="${red ? '#e00000' : 'none'}" fill-opacity="0.08" stroke="${colour}" stroke-width="${red ? 2 : 1}"/>`);
    const label = red ? `${b.id}: overset` : b.id;
    over.push(`<text x="${f2(b.x + 3)}" y="${f2(b.y + 11)}" font-family="sans-serif" font-size="10" fill="${colour}">${escape(label)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f2(g.trimWidth)}" height="${f2(g.trimHeight)}" viewBox="0 0 ${f2(g.trimWidth)} ${f2(g.trimHeight)}">
<defs>${[...defs.values()].join('')}</defs>
<rect width="100%" height="100%" fill="#fff"/>
<g fill="#000">${body.join('')}</g>
${over.join('\n')}
</svg>`;
}
