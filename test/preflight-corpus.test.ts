// The preflight against a corpus of PDFs the test writes: by hand (test/pdfgen.ts), with pdfkit,
// and with Ghostscript's PDF/X writer where it is installed. Each file has its verdict: the exact
// finding codes a plant's preflight would give it (none: it passes). Good files are as many as
// bad ones: a check that refuses what is valid fails here as surely as one that lets a fault by.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { cmykTiff } from '../src/images/ink.js';
import { profileFromLayout } from '../src/cli/preflight.js';
import { preflight } from '../src/preflight/preflight.js';
import { axial, blend, drawImage, FIRST_EXTRA as X, imageObject, lzw, pdfx, pixelsFor, SIDE, stream, type FileSpec } from './pdfgen.js';
import { ROOT, runCompose } from './spawn.js';

const PROFILE = profileFromLayout('broadsheet', false);

interface Case {
  name: string;
  bytes: Buffer;
  /** The finding codes expected, errors and warnings; empty: a clean pass. */
  codes: string[];
}

const one = (content: string, more: Omit<FileSpec, 'pages'> & { resources?: string; extra?: string } = {}): Buffer => pdfx({ ...more, pages: [{ content, resources: more.resources, extra: more.extra }] });

const BLACK_SQUARE = '0 0 0 1 k 10 10 100 100 re f';
/** Small black text set to overprint (OP, op, OPM 1), as a plant wants it. */
const OVERPRINT = `/ExtGState << /OP1 ${X} 0 R >>`;
const OVERPRINT_STATE = '<< /Type /ExtGState /OP true /op true /OPM 1 >>';
const text = (colour: string, size: number, state = '') => `BT ${state} ${colour} /F1 ${size} Tf 20 200 Td (Banmian) Tj ET`;
const SEP_BLACK = `[/Separation /Black /DeviceCMYK ${blend([0, 0, 0, 0], [0, 0, 0, 1])}]`;
const SEP_SPOT = `[/Separation /PANTONE#20185#20C /DeviceCMYK ${blend([0, 0, 0, 0], [0, 0.9, 0.8, 0])}]`;
const PROCESS_N = `[/DeviceN [/Cyan /Magenta /Yellow /Black] /DeviceCMYK << /FunctionType 4 /Domain [0 1 0 1 0 1 0 1] /Range [0 1 0 1 0 1 0 1] /Length 3 >>]`;
const contone = (ppi: number, size: number, space = '/DeviceCMYK', pixel = [0, 0, 0, 255], more = '') => imageObject(pixelsFor(ppi, size), pixelsFor(ppi, size), space, pixel, more);
const oneBit = (ppi: number, size: number, more = '/ColorSpace /DeviceGray') => imageObject(pixelsFor(ppi, size), pixelsFor(ppi, size), '', [1], more, 1);

/** A CMYK JPEG of one colour, as a picture desk exports it. */
async function cmykJpeg(pixel: number[], side: number): Promise<Buffer> {
  const raw = Buffer.from(Array.from({ length: side * side }, () => pixel).flat());
  return sharp(cmykTiff(raw, side, side)).pipelineColourspace('cmyk').toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
}
const jpegObject = (jpeg: Buffer, side: number) => stream(`/Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceCMYK /BitsPerComponent 8 /Filter /DCTDecode`, jpeg, true);

async function handMade(): Promise<Case[]> {
  const goodJpeg = await cmykJpeg([40, 30, 30, 100], 300);
  const darkJpeg = await cmykJpeg([255, 255, 255, 255], 300);
  const xobject = `/XObject << /Im1 ${X} 0 R >>`;
  const shadingRes = `/Shading << /Sh1 ${X} 0 R >>`;
  const colourSpace = `/ColorSpace << /CS1 ${X} 0 R >>`;
  return [
    // Valid files: each must pass, warnings and all named.
    { name: 'black square', bytes: one(BLACK_SQUARE), codes: [] },
    { name: 'small black text overprinting', bytes: one(text('0 0 0 1 k', 8, '/OP1 gs'), { objects: [OVERPRINT_STATE], resources: OVERPRINT }), codes: [] },
    { name: 'small black text in DeviceGray overprinting', bytes: one(text('0 g', 8, '/OP1 gs'), { objects: [OVERPRINT_STATE], resources: OVERPRINT }), codes: [] },
    { name: 'text in Separation /Black, overprinting', bytes: one(text('/CS1 cs 1 scn', 8, `/OP1 gs`), { objects: [SEP_BLACK, OVERPRINT_STATE], resources: `${colourSpace} /ExtGState << /OP1 ${X + 1} 0 R >>` }), codes: [] },
    { name: 'large text in Separation /Black', bytes: one(text('/CS1 cs 1 scn', 24), { objects: [SEP_BLACK], resources: colourSpace }), codes: [] },
    { name: 'a fill in DeviceN Cyan Magenta Yellow Black', bytes: one('/CS1 cs 0.2 0.3 0.1 0.5 scn 10 10 100 100 re f', { objects: [PROCESS_N], resources: colourSpace }), codes: [] },
    { name: 'a stroke in DeviceN process colours', bytes: one('/CS1 CS 0.5 0.5 0.5 0.5 SCN 2 w 10 10 m 200 200 l S', { objects: [PROCESS_N], resources: colourSpace }), codes: [] },
    { name: 'a fill in Separation /Cyan', bytes: one('/CS1 cs 0.7 scn 10 10 100 100 re f', { objects: [`[/Separation /Cyan /DeviceCMYK ${blend([0, 0, 0, 0], [1, 0, 0, 0])}]`], resources: colourSpace }), codes: [] },
    { name: 'a CMYK stroke in SCN within the limit', bytes: one('/DeviceCMYK CS 0.6 0.5 0.4 0.7 SCN 1 w 10 10 m 200 10 l S'), codes: [] },
    { name: 'a rule of 0.25 pt', bytes: one('0 0 0 1 K 0.25 w 10 10 m 200 10 l S'), codes: [] },
    { name: 'a Flate CMYK picture at 200 ppi within the limit', bytes: one(drawImage(100), { objects: [contone(200, 100, '/DeviceCMYK', [100, 80, 60, 250])], resources: xobject }), codes: [] },
    { name: 'a CMYK JPEG within the limit', bytes: one(drawImage(100), { objects: [jpegObject(goodJpeg, 300)], resources: xobject }), codes: [] },
    { name: 'a gray picture at 150 ppi', bytes: one(drawImage(100), { objects: [contone(150, 100, '/DeviceGray', [128])], resources: xobject }), codes: [] },
    { name: 'a picture at 120 ppi: a warning only', bytes: one(drawImage(100), { objects: [contone(120, 100, '/DeviceGray', [128])], resources: xobject }), codes: ['image-ppi-low'] },
    { name: '1-bit line art at 600 ppi', bytes: one(drawImage(50), { objects: [oneBit(600, 50)], resources: xobject }), codes: [] },
    { name: 'an image mask at 600 ppi in black', bytes: one(`0 0 0 1 k ${drawImage(50)}`, { objects: [oneBit(600, 50, '/ImageMask true')], resources: xobject }), codes: [] },
    { name: 'an axial blend in CMYK within the limit', bytes: one('/Sh1 sh', { objects: [axial('/DeviceCMYK', blend([0, 0, 0, 0], [0.6, 0.5, 0.4, 0.7]))], resources: shadingRes }), codes: [] },
    { name: 'a blend in DeviceGray through a shading pattern', bytes: one(`/Pattern cs /P1 scn 10 10 100 100 re f`, { objects: [`<< /PatternType 2 /Shading ${X + 1} 0 R >>`, axial('/DeviceGray', blend([0], [1]))], resources: `/Pattern << /P1 ${X} 0 R >>` }), codes: [] },
    { name: 'a tiling pattern in process colours', bytes: one(`/Pattern cs /P1 scn 10 10 100 100 re f`, { objects: [stream('/PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 10 10] /XStep 10 /YStep 10 /Resources << >>', '0 0 0 1 k 0 0 5 5 re f')], resources: `/Pattern << /P1 ${X} 0 R >>` }), codes: [] },
    { name: 'a gray inline image at 200 ppi', bytes: one(`q 20 0 0 20 10 10 cm BI /W 56 /H 56 /CS /G /BPC 8 ID\n${'\x80'.repeat(56 * 56)}\nEI Q`), codes: [] },
    { name: 'a printer mark annotation outside the trim', bytes: one(BLACK_SQUARE, { extra: `/MediaBox [0 0 ${SIDE + 40} ${SIDE + 40}] /TrimBox [20 20 ${SIDE + 20} ${SIDE + 20}] /Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 15 15] >>]` }), codes: [] },
    { name: 'a CropBox equal to the MediaBox, /Rotate 0, /UserUnit 1', bytes: one(BLACK_SQUARE, { extra: `/CropBox [0 0 ${SIDE} ${SIDE}] /Rotate 0 /UserUnit 1` }), codes: [] },
    { name: 'three pages', bytes: pdfx({ pages: [{ content: BLACK_SQUARE }, { content: BLACK_SQUARE }, { content: BLACK_SQUARE }] }), codes: [] },
    { name: 'PDF/X-4 with an ICC-based CMYK fill', bytes: one('/CS1 cs 0.1 0.2 0.3 0.4 scn 10 10 100 100 re f', { claims: 'PDF/X-4', objects: [`[/ICCBased 4 0 R]`], resources: colourSpace }), codes: [] },
    { name: 'a transfer function set to Identity', bytes: one(`/G1 gs ${BLACK_SQUARE}`, { objects: ['<< /Type /ExtGState /TR /Identity >>'], resources: `/ExtGState << /G1 ${X} 0 R >>` }), codes: [] },
    { name: 'an OpenAction going to the first page: a warning', bytes: one(BLACK_SQUARE, { catalog: `/OpenAction << /S /GoTo /D [${X} 0 R /Fit] >>` }), codes: ['open-action'] },

    // One file per fault.
    { name: 'a Flate CMYK picture over the ink limit', bytes: one(drawImage(100), { objects: [contone(200, 100, '/DeviceCMYK', [255, 255, 255, 255])], resources: xobject }), codes: ['ink-image'] },
    { name: 'an Indexed picture whose palette is over the limit', bytes: one(drawImage(100), { objects: [contone(200, 100, `[/Indexed /DeviceCMYK 1 <00000000FFFFFFFF>]`, [1])], resources: xobject }), codes: ['ink-image'] },
    { name: 'a CMYK JPEG over the ink limit', bytes: one(drawImage(100), { objects: [jpegObject(darkJpeg, 300)], resources: xobject }), codes: ['ink-image'] },
    { name: 'an axial blend over the ink limit', bytes: one('/Sh1 sh', { objects: [axial('/DeviceCMYK', blend([0, 0, 0, 0], [1, 1, 1, 1]))], resources: shadingRes }), codes: ['ink-shading'] },
    { name: 'a stitched blend over the ink limit in its second half', bytes: one('/Sh1 sh', { objects: [axial('/DeviceCMYK', `<< /FunctionType 3 /Domain [0 1] /Functions [${blend([0, 0, 0, 0], [0, 0, 0, 1])} ${blend([0, 0, 0, 1], [1, 1, 1, 1])}] /Bounds [0.5] /Encode [0 1 0 1] >>`)], resources: shadingRes }), codes: ['ink-shading'] },
    { name: 'a stroke in SCN over the ink limit', bytes: one('/DeviceCMYK CS 1 1 1 1 SCN 2 w 10 10 m 200 10 l S'), codes: ['ink-vector'] },
    { name: 'a fill in scn over the ink limit', bytes: one('/DeviceCMYK cs 1 1 0.5 0.5 scn 10 10 100 100 re f'), codes: ['ink-vector'] },
    { name: 'a DeviceN process fill over the ink limit', bytes: one('/CS1 cs 1 1 1 1 scn 10 10 100 100 re f', { objects: [PROCESS_N], resources: colourSpace }), codes: ['ink-vector'] },
    { name: 'a tiling pattern over the ink limit', bytes: one(`/Pattern cs /P1 scn 10 10 100 100 re f`, { objects: [stream('/PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 10 10] /XStep 10 /YStep 10 /Resources << >>', '1 1 1 0 k 0 0 5 5 re f')], resources: `/Pattern << /P1 ${X} 0 R >>` }), codes: ['ink-pattern'] },
    { name: 'an RGB blend', bytes: one('/Sh1 sh', { objects: [axial('/DeviceRGB', blend([1, 0, 0], [0, 0, 1]))], resources: shadingRes }), codes: ['rgb-shading'] },
    { name: 'a spot-colour blend', bytes: one('/Sh1 sh', { objects: [axial(SEP_SPOT, blend([0], [1]))], resources: shadingRes }), codes: ['spot-shading'] },
    { name: 'an RGB blend through a shading pattern', bytes: one(`/Pattern cs /P1 scn 10 10 100 100 re f`, { objects: [`<< /PatternType 2 /Shading ${X + 1} 0 R >>`, axial('/DeviceRGB', blend([1, 0, 0], [0, 0, 1]))], resources: `/Pattern << /P1 ${X} 0 R >>` }), codes: ['rgb-shading'] },
    { name: 'a tiling pattern in RGB', bytes: one(`/Pattern cs /P1 scn 10 10 100 100 re f`, { objects: [stream('/PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 10 10] /XStep 10 /YStep 10 /Resources << >>', '1 0 0 rg 0 0 5 5 re f')], resources: `/Pattern << /P1 ${X} 0 R >>` }), codes: ['rgb-pattern'] },
    { name: 'a tiling pattern in a spot colour', bytes: one(`/Pattern cs /P1 scn 10 10 100 100 re f`, { objects: [stream(`/PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 10 10] /XStep 10 /YStep 10 /Resources << /ColorSpace << /CS1 ${X + 1} 0 R >> >>`, '/CS1 cs 1 scn 0 0 5 5 re f'), SEP_SPOT], resources: `/Pattern << /P1 ${X} 0 R >>` }), codes: ['spot-pattern'] },
    { name: 'an RGB inline image', bytes: one(`q 20 0 0 20 10 10 cm BI /W 56 /H 56 /CS /RGB /BPC 8 ID\n${'\x80'.repeat(56 * 56 * 3)}\nEI Q`), codes: ['rgb-inline-image'] },
    { name: 'a spot-colour inline image', bytes: one(`q 20 0 0 20 10 10 cm BI /W 56 /H 56 /CS /CS1 /BPC 8 ID\n${'\x80'.repeat(56 * 56)}\nEI Q`, { objects: [SEP_SPOT], resources: colourSpace }), codes: ['spot-inline-image'] },
    { name: 'an RGB fill', bytes: one('1 0 0 rg 10 10 100 100 re f'), codes: ['rgb-vector'] },
    { name: 'a spot-colour fill', bytes: one('/CS1 cs 1 scn 10 10 100 100 re f', { objects: [SEP_SPOT], resources: colourSpace }), codes: ['spot-vector'] },
    { name: 'a DeviceN of Black and a spot', bytes: one('/CS1 cs 1 1 scn 10 10 100 100 re f', { objects: [`[/DeviceN [/Black /Gold] /DeviceCMYK << /FunctionType 4 /Domain [0 1 0 1] /Range [0 1 0 1 0 1 0 1] /Length 3 >>]`], resources: colourSpace }), codes: ['spot-vector'] },
    { name: 'a fill in the registration colour All', bytes: one('/CS1 cs 1 scn 10 10 100 100 re f', { objects: [`[/Separation /All /DeviceCMYK ${blend([0, 0, 0, 0], [1, 1, 1, 1])}]`], resources: colourSpace }), codes: ['separation-all'] },
    { name: 'a Lab fill', bytes: one('/CS1 cs 50 0 0 scn 10 10 100 100 re f', { objects: ['[/Lab << /WhitePoint [0.9505 1 1.089] >>]'], resources: colourSpace }), codes: ['lab-vector'] },
    { name: 'an RGB picture', bytes: one(drawImage(100), { objects: [contone(200, 100, '/DeviceRGB', [200, 30, 30])], resources: xobject }), codes: ['rgb-image'] },
    { name: 'a spot-colour picture', bytes: one(drawImage(100), { objects: [contone(200, 100, SEP_SPOT, [200])], resources: xobject }), codes: ['spot-image'] },
    { name: 'ICC-based gray in PDF/X-1a', bytes: one('/CS1 cs 0.5 scn 10 10 100 100 re f', { objects: [`[/ICCBased ${X + 1} 0 R]`, stream('/N 1', Buffer.alloc(128))], resources: colourSpace }), codes: ['icc-gray-in-x1a'] },
    { name: 'ICC-based CMYK in PDF/X-1a', bytes: one('/CS1 cs 0.1 0.2 0.3 0.4 scn 10 10 100 100 re f', { objects: ['[/ICCBased 4 0 R]'], resources: colourSpace }), codes: ['icc-in-x1a'] },
    { name: 'white text set to overprint', bytes: one(text('0 0 0 0 k', 24, '/OP1 gs'), { objects: [OVERPRINT_STATE], resources: OVERPRINT }), codes: ['white-overprint'] },
    { name: 'a white fill in DeviceGray set to overprint', bytes: one(`/OP1 gs 1 g 10 10 100 100 re f`, { objects: [OVERPRINT_STATE], resources: OVERPRINT }), codes: ['white-overprint'] },
    { name: '1-bit line art at 300 ppi', bytes: one(drawImage(50), { objects: [oneBit(300, 50)], resources: xobject }), codes: ['one-bit-ppi'] },
    { name: 'an image mask at 300 ppi', bytes: one(`0 0 0 1 k ${drawImage(50)}`, { objects: [oneBit(300, 50, '/ImageMask true')], resources: xobject }), codes: ['one-bit-ppi'] },
    { name: 'a picture at 80 ppi', bytes: one(drawImage(100), { objects: [contone(80, 100, '/DeviceGray', [128])], resources: xobject }), codes: ['image-ppi'] },
    { name: 'a CropBox inside the MediaBox', bytes: one(BLACK_SQUARE, { extra: '/CropBox [0 0 200 200]' }), codes: ['cropbox'] },
    { name: 'a page turned by /Rotate 90', bytes: one(BLACK_SQUARE, { extra: '/Rotate 90' }), codes: ['rotate'] },
    { name: 'a page in /UserUnit 2', bytes: one(BLACK_SQUARE, { extra: '/UserUnit 2' }), codes: ['user-unit'] },
    { name: 'document JavaScript', bytes: one(BLACK_SQUARE, { catalog: `/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (app.alert(1)) >>] >> >>` }), codes: ['javascript'] },
    { name: 'an OpenAction that runs JavaScript', bytes: one(BLACK_SQUARE, { catalog: '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>' }), codes: ['javascript'] },
    { name: 'a note annotation inside the trim', bytes: one(BLACK_SQUARE, { extra: '/Annots [<< /Type /Annot /Subtype /Text /Rect [50 50 70 70] /Contents (see) >>]' }), codes: ['annotation'] },
    { name: 'a transfer function', bytes: one(`/G1 gs ${BLACK_SQUARE}`, { objects: [`<< /Type /ExtGState /TR ${blend([0], [1])} >>`], resources: `/ExtGState << /G1 ${X} 0 R >>` }), codes: ['transfer'] },
    { name: 'an OPI proxy image', bytes: one(drawImage(100), { objects: [contone(200, 100, '/DeviceGray', [128], '/OPI << /2.0 << /Type /OPI /Version 2.0 /F (hires.tif) /Size [1000 1000] /CropRect [0 0 1000 1000] >> >>')], resources: xobject }), codes: ['opi'] },
    { name: 'an LZW content stream', bytes: pdfx({ pages: [{ content: BLACK_SQUARE, contentFilter: 'lzw' }] }), codes: ['lzw-content'] },
    { name: 'an LZW picture', bytes: one(drawImage(10), { objects: [stream('/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /LZWDecode', lzw(Buffer.alloc(64, 0x80)), true)], resources: xobject }), codes: ['image-filter'] },
    { name: 'an empty page after a good one', bytes: pdfx({ pages: [{ content: BLACK_SQUARE }, { content: 'q Q' }] }), codes: ['empty-page'] },
    { name: 'a hairline of 0.05 pt', bytes: one('0 0 0 1 K 0.05 w 10 10 m 200 10 l S'), codes: ['thin-rule'] },
    { name: 'a stroke of width 0', bytes: one('0 0 0 1 K 0 w 10 10 m 200 10 l S'), codes: ['thin-rule'] },
    { name: 'small text in two inks', bytes: one(text('1 1 0 0 k', 6), {}), codes: ['multi-ink-text'] },
    { name: 'small black text that knocks out', bytes: one(text('0 0 0 1 k', 8)), codes: ['black-text-knockout'] },
    { name: 'transparency in PDF/X-1a', bytes: one(`/G1 gs ${BLACK_SQUARE}`, { objects: ['<< /Type /ExtGState /ca 0.5 >>'], resources: `/ExtGState << /G1 ${X} 0 R >>` }), codes: ['transparency'] },
    { name: 'an Indexed space on an Indexed base', bytes: one('/CS1 cs 0 scn 10 10 100 100 re f', { objects: [`[/Indexed ${X} 0 R 0 <00>]`], resources: colourSpace }), codes: ['bad-colour-space'] },
    { name: 'a font that is not embedded', bytes: one(text('0 0 0 1 k', 24).replace('/F1', '/F2'), { objects: ['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'], resources: `/Font << /F1 5 0 R /F2 ${X} 0 R >>` }), codes: ['font-not-embedded'] },
    { name: 'no PDF/X identification', bytes: one(BLACK_SQUARE, { claims: 'none' }), codes: ['no-pdfx'] },
    { name: 'no output intent', bytes: one(BLACK_SQUARE, { omit: ['OutputIntents'] }), codes: ['output-intent'] },
    { name: 'an RGB output profile', bytes: one(BLACK_SQUARE, { profile: Buffer.concat([Buffer.alloc(12), Buffer.from('mntrRGB XYZ ', 'latin1'), Buffer.alloc(108)]) }), codes: ['output-profile'] },
    { name: 'no trailer /ID, no Title, no /Trapped', bytes: one(BLACK_SQUARE, { omit: ['ID', 'Title', 'Trapped'] }), codes: ['no-id', 'trapped', 'info'] },
    { name: 'PDF 1.4 claiming PDF/X-1a:2001', bytes: one(BLACK_SQUARE, { header: '1.4' }), codes: ['pdf-version'] },
    { name: 'no TrimBox', bytes: one(BLACK_SQUARE, { extra: '/NoTrim' }), codes: ['no-trim'] },
    { name: 'a trim outside the media', bytes: one(BLACK_SQUARE, { extra: `/TrimBox [0 0 ${SIDE + 50} ${SIDE}]` }), codes: ['boxes-nested'] },
  ];
}

/** pdfkit's own files: no PDF/X identification nor trim, and what each draws. */
async function pdfkitMade(): Promise<Case[]> {
  const make = (draw: (doc: PDFKit.PDFDocument) => void) =>
    new Promise<Buffer>((done) => {
      const doc = new PDFDocument({ size: [SIDE, SIDE], info: { CreationDate: new Date(Date.UTC(2024, 11, 25)) } });
      const parts: Buffer[] = [];
      doc.on('data', (d: Buffer) => parts.push(d));
      doc.on('end', () => done(Buffer.concat(parts)));
      draw(doc);
      doc.end();
    });
  // What pdfkit leaves out of every file: the PDF/X keys, the intent, the trim.
  const plain = ['no-pdfx', 'trapped', 'info', 'output-intent', 'no-trim'];
  return [
    { name: 'pdfkit: a CMYK square', bytes: await make((d) => d.rect(10, 10, 100, 100).fill([0, 0, 0, 100])), codes: plain },
    { name: 'pdfkit: an RGB square', bytes: await make((d) => d.rect(10, 10, 100, 100).fill('#c03020')), codes: [...plain, 'rgb-vector'] },
    { name: 'pdfkit: Helvetica, not embedded, in CMYK black', bytes: await make((d) => d.fillColor([0, 0, 0, 100]).fontSize(24).text('Banmian', 20, 20)), codes: [...plain, 'font-not-embedded'] },
    { name: 'pdfkit: a hairline', bytes: await make((d) => d.lineWidth(0.05).moveTo(10, 10).lineTo(200, 10).stroke([0, 0, 0, 100])), codes: [...plain, 'thin-rule'] },
    { name: 'pdfkit: an empty page', bytes: await make(() => {}), codes: [...plain, 'empty-page'] },
  ];
}

/** A PostScript page through Ghostscript's PDF/X writer, its output intent the newsprint profile. */
function ghostscriptMade(dir: string): Case[] {
  const profile = join(ROOT, 'profiles', 'cgats-tr002-newsprint.icc');
  const def = join(dir, 'pdfx-def.ps');
  writeFileSync(
    def,
    [
      // Ghostscript's writer gives the intent, the trim and CMYK-only PDF 1.3; the identification is ours.
      '[ /Title (Corpus) /Trapped /False /GTS_PDFXVersion (PDF/X-1:2001) /GTS_PDFXConformance (PDF/X-1a:2001) /DOCINFO pdfmark',
      '[ /_objdef {icc_PDFX} /type /stream /OBJ pdfmark',
      '[ {icc_PDFX} << /N 4 >> /PUT pdfmark',
      `[ {icc_PDFX} (${profile}) (r) file /PUT pdfmark`,
      '[ /_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark',
      '[ {OutputIntent_PDFX} << /Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier (CGATS TR 002) /RegistryName (http://www.color.org) /OutputCondition (Coldset newsprint) /DestOutputProfile {icc_PDFX} >> /PUT pdfmark',
      '[ {Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark',
    ].join('\n'),
  );
  const make = (name: string, ps: string): Buffer => {
    const source = join(dir, `${name}.ps`);
    const out = join(dir, `${name}.pdf`);
    writeFileSync(source, `%!PS\n<< /PageSize [${SIDE} ${SIDE}] >> setpagedevice\n${ps}\nshowpage\n`);
    const gs = spawnSync('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-dPDFX', '-sDEVICE=pdfwrite', '-sColorConversionStrategy=CMYK', `--permit-file-read=${profile}`, `-sOutputFile=${out}`, def, source]);
    assert.equal(gs.status, 0, `gs on ${name}: ${gs.stderr}`);
    return readFileSync(out);
  };
  const cases: [string, string, string[]][] = [
    ['gs: a black square', '0 0 0 1 setcmykcolor 10 10 100 100 rectfill', []],
    ['gs: a cyan and magenta square', '0.6 0.5 0 0 setcmykcolor 10 10 100 100 rectfill', []],
    ['gs: large black text', '/Helvetica findfont 24 scalefont setfont 0 0 0 1 setcmykcolor 20 200 moveto (Banmian) show', []],
    ['gs: a square over the ink limit', '1 1 1 1 setcmykcolor 10 10 100 100 rectfill', ['ink-vector']],
    ['gs: a hairline', '0 0 0 1 setcmykcolor 0.05 setlinewidth 10 10 moveto 200 10 lineto stroke', ['thin-rule']],
  ];
  return cases.map(([name, ps, codes]) => ({ name, bytes: make(name.replace(/\W+/g, '-'), ps), codes }));
}

const hasGhostscript = spawnSync('gs', ['--version']).status === 0;

test('every PDF of the corpus gets its verdict: the exact finding codes, or a pass', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'banmian-preflight-corpus-'));
  try {
    const cases = [...(await handMade()), ...(await pdfkitMade()), ...(hasGhostscript ? ghostscriptMade(dir) : [])];
    t.diagnostic(`${cases.length} files${hasGhostscript ? '' : '; Ghostscript is not installed, its PDF/X files are left out'}`);
    assert.ok(cases.length >= 60 + (hasGhostscript ? 5 : 0), `only ${cases.length} files`);
    const wrong: string[] = [];
    for (const c of cases) {
      const r = await preflight(c.bytes, `${c.name}.pdf`, PROFILE);
      const got = [...new Set(r.findings.map((f) => f.code))].sort();
      const want = [...new Set(c.codes)].sort();
      const passes = !r.findings.some((f) => f.severity === 'error');
      const shouldPass = !c.codes.some((code) => !['image-ppi-low', 'open-action', 'black-text-knockout', 'multi-ink-text'].includes(code));
      if (JSON.stringify(got) !== JSON.stringify(want) || passes !== shouldPass) wrong.push(`${c.name}: want [${want.join(', ')}], got [${got.join(', ')}] ${JSON.stringify(r.findings.map((f) => f.message))}`);
    }
    assert.deepEqual(wrong, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the command groups a finding by its pages and ends each file with its summary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'banmian-preflight-pages-'));
  try {
    const file = join(dir, 'rgb-pages.pdf');
    const rgb = '1 0 0 rg 10 10 100 100 re f';
    writeFileSync(file, pdfx({ pages: [{ content: rgb }, { content: rgb }, { content: rgb }, { content: '0 0 0 1 k 10 10 100 100 re f' }, { content: rgb }] }));
    const run = await runCompose(['preflight', file]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^ {2}error +colour +rgb-vector +pages 1–3, 5: a fill colour in RGB$/m);
    assert.match(run.stdout, /^ {2}4 errors \(rgb-vector\)$/m);
    const json = JSON.parse((await runCompose(['preflight', '--json', file])).stdout) as { reports: { findings: { code: string; page: number }[] }[] };
    assert.deepEqual(json.reports[0]!.findings.map((f) => [f.code, f.page]), [1, 2, 3, 5].map((p) => ['rgb-vector', p]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the thresholds are the layout’s: a picture at 120 ppi is an error where the layout asks for 130', async () => {
  const bytes = one(drawImage(100), { objects: [contone(120, 100, '/DeviceGray', [128])], resources: `/XObject << /Im1 ${X} 0 R >>` });
  const strict = await preflight(bytes, 'strict.pdf', { ...PROFILE, minPpi: 130 });
  assert.deepEqual(strict.findings.map((f) => [f.code, f.severity]), [['image-ppi', 'error']]);
  assert.equal(PROFILE.minPpi, 100);
  assert.equal(PROFILE.oneBitPpi, 550);
});
