import type { PDFDict, PDFObject } from 'pdf-lib';
import { ptToMm } from '../layout/units.js';
import type { Note } from './findings.js';
import { filtersOf } from './images.js';
import type { PdfView } from './pdf.js';
import type { Thresholds } from './profile.js';

/** Boxes agree within a hundredth of a point; a trim within half a point of the layout's. */
const BOX_TOLERANCE = 0.01;
const TRIM_TOLERANCE = 0.5;
/** Annotations that belong outside the trim by their nature, for the plant's marks. */
const PRINTING_ANNOTATIONS = new Set(['PrinterMark', 'TrapNet']);

type Box = number[];
const isBox = (b: Box) => b.length === 4 && b.every(Number.isFinite);
const inside = (a: Box, b: Box) => !isBox(b) || (a[0]! >= b[0]! - BOX_TOLERANCE && a[1]! >= b[1]! - BOX_TOLERANCE && a[2]! <= b[2]! + BOX_TOLERANCE && a[3]! <= b[3]! + BOX_TOLERANCE);
const same = (a: Box, b: Box) => a.every((v, i) => Math.abs(v - b[i]!) <= BOX_TOLERANCE);

/** The page's trim (TrimBox, else ArtBox), or undefined when it has neither. */
export function trimOf(pdf: PdfView, page: PDFDict): Box | undefined {
  const trim = pdf.numbers(pdf.get(page, 'TrimBox'));
  const art = pdf.numbers(pdf.get(page, 'ArtBox'));
  return isBox(trim) ? trim : isBox(art) ? art : undefined;
}

/** The page's boxes: a trim, nested in bleed and media, the crop the media, no rotation or user unit, the layout's trim. */
export function boxes(pdf: PdfView, page: PDFDict, limits: Thresholds, note: Note): void {
  const media = pdf.numbers(pdf.inherited(page, 'MediaBox'));
  const crop = pdf.numbers(pdf.inherited(page, 'CropBox'));
  const bleed = pdf.numbers(pdf.get(page, 'BleedBox'));
  if (isBox(crop) && isBox(media) && !same(crop, media)) note('boxes', 'cropbox', 'error', 'the CropBox differs from the MediaBox; the plant would print what the crop hides');
  const rotate = pdf.num(pdf.inherited(page, 'Rotate')) ?? 0;
  if (rotate % 360 !== 0) note('boxes', 'rotate', 'error', `the page is turned by /Rotate ${rotate}; deliver it upright`);
  const unit = pdf.num(pdf.get(page, 'UserUnit'));
  if (unit !== undefined && unit !== 1) note('boxes', 'user-unit', 'error', `/UserUnit ${unit} scales the page; PDF/X measures in points (UserUnit 1)`);
  const box = trimOf(pdf, page);
  if (!box) return note('boxes', 'no-trim', 'error', 'no TrimBox (or ArtBox)');
  if (!inside(box, isBox(bleed) ? bleed : media) || (isBox(bleed) && !inside(bleed, media))) note('boxes', 'boxes-nested', 'error', 'the boxes are not nested (trim in bleed in media)');
  if (limits.trim) {
    const w = box[2]! - box[0]!;
    const h = box[3]! - box[1]!;
    if (Math.abs(w - limits.trim.width) > TRIM_TOLERANCE || Math.abs(h - limits.trim.height) > TRIM_TOLERANCE) {
      const mm = (pt: number) => ptToMm(pt).toFixed(1);
      note('boxes', 'trim-size', 'error', `trim ${mm(w)} × ${mm(h)} mm, the layout's is ${mm(limits.trim.width)} × ${mm(limits.trim.height)} mm`);
    }
  }
}

/** An action, or a chain of them through /Next, that runs JavaScript. */
export function runsJavaScript(pdf: PdfView, action: PDFObject | undefined): boolean {
  const seen = new Set<PDFObject>();
  const todo = action ? [action] : [];
  while (todo.length) {
    const a = pdf.resolve(todo.pop());
    if (!a || seen.has(a)) continue;
    seen.add(a);
    if (pdf.name(pdf.get(a, 'S')) === 'JavaScript') return true;
    const next = pdf.get(a, 'Next');
    todo.push(...(pdf.array(next).length ? pdf.array(next) : next ? [next] : []));
  }
  return false;
}

/** Additional actions (/AA) of a page, annotation or the document: any JavaScript among them. */
export function additionalJavaScript(pdf: PdfView, owner: PDFObject | undefined): boolean {
  return pdf.entries(pdf.get(owner, 'AA')).some(([, a]) => runsJavaScript(pdf, a));
}

/** Annotations: none inside the trim (a RIP prints some, drops others), none that runs JavaScript. */
export function annotations(pdf: PdfView, page: PDFDict, note: Note): void {
  const trim = trimOf(pdf, page);
  if (additionalJavaScript(pdf, page)) note('actions', 'javascript', 'error', 'the page runs JavaScript (/AA); PDF/X allows none');
  for (const annot of pdf.array(pdf.get(page, 'Annots'))) {
    const subtype = pdf.name(pdf.get(annot, 'Subtype')) ?? 'unnamed';
    if (runsJavaScript(pdf, pdf.get(annot, 'A')) || additionalJavaScript(pdf, annot)) note('actions', 'javascript', 'error', `a ${subtype} annotation runs JavaScript; PDF/X allows none`);
    if (PRINTING_ANNOTATIONS.has(subtype) || subtype === 'Popup') continue;
    const rect = pdf.numbers(pdf.get(annot, 'Rect'));
    if (!isBox(rect) || !trim) continue;
    const [x0, x1] = [Math.min(rect[0]!, rect[2]!), Math.max(rect[0]!, rect[2]!)];
    const [y0, y1] = [Math.min(rect[1]!, rect[3]!), Math.max(rect[1]!, rect[3]!)];
    if (x0 < trim[2]! && x1 > trim[0]! && y0 < trim[3]! && y1 > trim[1]!) note('actions', 'annotation', 'error', `a ${subtype} annotation inside the trim; remove it, or flatten what it shows into the page`);
  }
}

/** The page's content streams, joined, and whether any of them is LZW-compressed. */
export function contentsOf(pdf: PdfView, page: PDFDict, note: Note): Uint8Array {
  const contents = pdf.get(page, 'Contents');
  const parts = (pdf.array(contents).length ? pdf.array(contents) : [contents]).filter((p): p is PDFObject => Boolean(p));
  if (parts.some((p) => filtersOf(pdf, p).includes('LZWDecode'))) note('content', 'lzw-content', 'error', 'the page content is LZW-compressed; PDF/X takes Flate');
  // Streams of one page's contents are one program: joined with a space between, as the spec reads them.
  return Buffer.concat(parts.flatMap((p) => [Buffer.from(pdf.bytes(p)), Buffer.from('\n')]));
}

/** Every font the page's resources and forms use is embedded; Type 3 is warned. Each font is looked at once per file. */
export function fonts(pdf: PdfView, resources: PDFObject | undefined, seen: Set<PDFObject>, note: Note, forms = new Set<PDFObject>()): void {
  for (const [name, ref] of pdf.entries(pdf.get(resources, 'Font'))) {
    const font = pdf.resolve(ref)!;
    if (seen.has(font)) continue;
    seen.add(font);
    const base = pdf.name(pdf.get(font, 'BaseFont')) ?? name;
    const subtype = pdf.name(pdf.get(font, 'Subtype'));
    if (subtype === 'Type3') {
      note('fonts', 'type3-font', 'warning', `${base} is a Type 3 font`);
      continue;
    }
    const described = subtype === 'Type0' ? pdf.array(pdf.get(font, 'DescendantFonts'))[0] : font;
    const descriptor = pdf.get(described, 'FontDescriptor');
    if (!['FontFile', 'FontFile2', 'FontFile3'].some((k) => pdf.get(descriptor, k))) note('fonts', 'font-not-embedded', 'error', `${base} is not embedded`);
  }
  for (const [, ref] of pdf.entries(pdf.get(resources, 'XObject'))) {
    const x = pdf.resolve(ref)!;
    if (pdf.name(pdf.get(x, 'Subtype')) === 'Form' && !forms.has(x)) {
      forms.add(x);
      fonts(pdf, pdf.get(x, 'Resources'), seen, note, forms);
    }
  }
}
