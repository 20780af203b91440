// PDFs written by hand for the preflight's corpus: a PDF/X-1a:2001 file built object by object
// (its output intent the repository's newsprint profile, its font a TrueType from the installed
// packages), into which each case puts the one thing it is about.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ROOT } from './spawn.js';

const NEWSPRINT = join(ROOT, 'profiles', 'cgats-tr002-newsprint.icc');
const FONT = join(ROOT, 'node_modules', 'pdfjs-dist', 'standard_fonts', 'LiberationSans-Regular.ttf');

/** The page every case draws on, pt: media and trim alike unless a case says otherwise. */
export const SIDE = 300;

/** A stream object's text: its dictionary entries, and its data Flate-compressed unless `raw`. */
export function stream(dict: string, data: Buffer | string, raw = false): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  const body = raw ? bytes : deflateSync(bytes);
  return Buffer.concat([Buffer.from(`<< ${dict}${raw ? '' : ' /Filter /FlateDecode'} /Length ${body.length} >>\nstream\n`, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]);
}

/**
 * LZW as PDF reads it, literals only: a clear code, each byte as its own 9-bit code, the end code.
 * The decoder's table grows by one entry per code, so up to 250 bytes stay within 9 bits.
 */
export function lzw(data: Buffer): Buffer {
  const CLEAR = 256;
  const END = 257;
  if (data.length > 250) throw new Error('lzw: literals only up to 250 bytes');
  const codes = [CLEAR, ...data, END];
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const c of codes) {
    acc = (acc << 9) | c;
    bits += 9;
    while (bits >= 8) {
      out.push((acc >> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits) out.push((acc << (8 - bits)) & 0xff);
  return Buffer.from(out);
}

export interface PageSpec {
  /** The content stream (Flate-compressed unless `contentFilter` says otherwise). */
  content: string;
  /** The page's /Resources entries, e.g. `/XObject << /Im1 7 0 R >>`. */
  resources?: string;
  /** More entries of the page dictionary (boxes, /Rotate, /Annots …); TrimBox and MediaBox unless given here. */
  extra?: string;
  contentFilter?: 'lzw';
}

export interface FileSpec {
  pages: PageSpec[];
  /** More objects, numbered from FIRST_EXTRA on, for pages to refer to. */
  objects?: (string | Buffer)[];
  /** More catalog entries. */
  catalog?: string;
  /** The claim: PDF/X-1a (Info keys) or PDF/X-4 (XMP, PDF 1.6), or none. */
  claims?: 'PDF/X-1a' | 'PDF/X-4' | 'none';
  /** Replaces the output intent's profile stream (an RGB profile, say). */
  profile?: Buffer;
  /** Leave out of Info, or of the trailer. */
  omit?: ('Title' | 'Trapped' | 'ID' | 'OutputIntents')[];
  header?: string;
}

/** Objects 1–6 are the catalog, page tree, info, profile, font and its file; a case's own start here. */
export const FIRST_EXTRA = 7;
/** The embedded font as a page resource. */
export const FONT_RESOURCE = '/Font << /F1 5 0 R >>';

const XMP = (claims: string) =>
  `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"><pdfxid:GTS_PDFXVersion>${claims}</pdfxid:GTS_PDFXVersion></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A whole file: its objects numbered from 1, a classic xref table, the trailer with an /ID. */
export function pdfx(spec: FileSpec): Buffer {
  const claims = spec.claims ?? 'PDF/X-1a';
  const omit = new Set(spec.omit ?? []);
  const extra = spec.objects ?? [];
  const pageNumbers = spec.pages.map((_, i) => FIRST_EXTRA + extra.length + 2 * i);
  const metadata = claims === 'PDF/X-4' ? FIRST_EXTRA + extra.length + 2 * spec.pages.length : 0;
  const intent = `/OutputIntents [<< /Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier (CGATS TR 002) /RegistryName (http://www.color.org) /OutputCondition (Coldset newsprint) /DestOutputProfile 4 0 R >>]`;
  const info = [
    omit.has('Title') ? '' : '/Title (Corpus)',
    '/CreationDate (D:20241225000000Z) /ModDate (D:20241225000000Z)',
    omit.has('Trapped') ? '' : '/Trapped /False',
    claims === 'PDF/X-1a' ? '/GTS_PDFXVersion (PDF/X-1:2001) /GTS_PDFXConformance (PDF/X-1a:2001)' : '',
  ].join(' ');
  const objects: (string | Buffer)[] = [
    `<< /Type /Catalog /Pages 2 0 R ${omit.has('OutputIntents') ? '' : intent}${metadata ? ` /Metadata ${metadata} 0 R` : ''} ${spec.catalog ?? ''} >>`,
    `<< /Type /Pages /Kids [${pageNumbers.map((n) => `${n} 0 R`).join(' ')}] /Count ${spec.pages.length} >>`,
    `<< ${info} >>`,
    stream('/N 4', spec.profile ?? readFileSync(NEWSPRINT)),
    '<< /Type /Font /Subtype /TrueType /BaseFont /LiberationSans /FirstChar 32 /LastChar 126 /Widths [' + new Array(95).fill(556).join(' ') + '] /Encoding /WinAnsiEncoding /FontDescriptor 6 0 R >>',
    `<< /Type /FontDescriptor /FontName /LiberationSans /Flags 32 /FontBBox [-203 -303 1050 910] /ItalicAngle 0 /Ascent 905 /Descent -212 /CapHeight 716 /StemV 80 /FontFile2 FONTFILE 0 R >>`,
    ...extra,
  ];
  // The font file goes last of all, so that a case's object numbers do not depend on it.
  const fontFile = FIRST_EXTRA + extra.length + 2 * spec.pages.length + (metadata ? 1 : 0);
  objects[5] = (objects[5] as string).replace('FONTFILE', String(fontFile));
  for (const page of spec.pages) {
    const content = page.contentFilter === 'lzw' ? stream('/Filter /LZWDecode', lzw(Buffer.from(page.content, 'latin1')), true) : stream('', page.content);
    const boxes = /\/MediaBox/.test(page.extra ?? '') ? '' : `/MediaBox [0 0 ${SIDE} ${SIDE}] `;
    const trim = /\/TrimBox|\/ArtBox|\/NoTrim/.test(page.extra ?? '') ? '' : `/TrimBox [0 0 ${SIDE} ${SIDE}] `;
    objects.push(`<< /Type /Page /Parent 2 0 R ${boxes}${trim}${(page.extra ?? '').replace('/NoTrim', '')} /Contents ${objects.length + 2} 0 R /Resources << ${FONT_RESOURCE} ${page.resources ?? ''} >> >>`, content);
  }
  if (metadata) objects.push(stream('/Type /Metadata /Subtype /XML', XMP('PDF/X-4'), true));
  const font = readFileSync(FONT);
  objects.push(stream(`/Length1 ${font.length}`, font));
  return assemble(objects, spec.header ?? (claims === 'PDF/X-4' ? '1.6' : '1.3'), `/Info 3 0 R ${omit.has('ID') ? '' : '/ID [<62616e6d69616e> <62616e6d69616e>]'}`);
}

/** A PDF written by hand: the objects numbered from 1, a classic xref table, the catalog as object 1, the trailer's other keys. */
export function assemble(objects: (string | Buffer)[], version: string, trailer = ''): Buffer {
  const parts: Buffer[] = [Buffer.from(`%PDF-${version}\n%\xe2\xe3\xcf\xd3\n`, 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  const push = (b: Buffer) => {
    parts.push(b);
    length += b.length;
  };
  objects.forEach((body, i) => {
    offsets.push(length);
    push(Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'), Buffer.from('\nendobj\n', 'latin1')]));
  });
  const xref = length;
  const table = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  push(Buffer.from(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${table}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** An image XObject's object: width × height samples of `bytes` per pixel, repeated from `pixel`, Flate-compressed. */
export function imageObject(width: number, height: number, space: string, pixel: number[], more = '', bits = 8): Buffer {
  const row = bits === 1 ? Buffer.alloc(Math.ceil(width / 8), pixel[0] ? 0xff : 0) : Buffer.from(Array.from({ length: width }, () => pixel).flat());
  const data = Buffer.concat(Array.from({ length: height }, () => row));
  return stream(`/Type /XObject /Subtype /Image /Width ${width} /Height ${height} ${space ? `/ColorSpace ${space}` : ''} /BitsPerComponent ${bits} ${more}`, data);
}

/** A content stream that draws image /Im1 as a `size`-pt square at 10, 10. */
export const drawImage = (size: number, name = 'Im1') => `q ${size} 0 0 ${size} 10 10 cm /${name} Do Q`;

/** The pixel count that gives `ppi` across a square of `size` pt. */
export const pixelsFor = (ppi: number, size: number) => Math.ceil((ppi * size) / 72);

/** A stitching or exponential function object from `c0` to `c1`. */
export const blend = (c0: number[], c1: number[]) => `<< /FunctionType 2 /Domain [0 1] /C0 [${c0.join(' ')}] /C1 [${c1.join(' ')}] /N 1 >>`;

/** An axial shading over the page in `space`. */
export const axial = (space: string, fn: string) => `<< /ShadingType 2 /ColorSpace ${space} /Coords [0 0 ${SIDE} 0] /Function ${fn} /Extend [true true] >>`;
