import { dirname, relative } from 'node:path';
import { PDFDocument, type PDFDict } from 'pdf-lib';
import { FileRefused, readRegularFile } from '../files.js';
import { pictureFolders } from '../issue/confine.js';
import { IssueError } from '../issue/errors.js';
import type { AdSource } from '../issue/types.js';
import { LIMITS } from '../limits.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * 广告文件: the advertiser's file opened as the issue names it, before anything is judged of its
 * content. What cannot be used at all (missing, not a PDF, encrypted, no such page) is bad input at
 * its `source`; `compose validate` stops here, the preflight is compose's.
 */

/** An advertisement's file read and parsed, and the page of it the issue places. */
export interface OpenedAd {
  bytes: Buffer;
  pdf: PDFDocument;
  /** The file's name as the desk wrote it, relative to the issue file. */
  shown: string;
  /** How many pages the file has, and which of them is placed, 1-based. */
  pages: number;
  number: number;
  leaf: PDFDict;
}

/** Reads the file `ad` names from the folders pictures may come from (`allow` beside the workspace's) and finds its page. */
export async function openAd(ad: AdSource, allow: readonly string[], ws: Workspace): Promise<OpenedAd> {
  const shown = relative(dirname(ad.pos.file), ad.file);
  const bytes = readAdFile(ad, shown, allow, ws);
  const pdf = await parseAd(bytes, ad, shown);
  const pages = pagesOf(pdf, ad, shown);
  const number = ad.page ?? 1;
  if (pages.length > 1 && ad.page === undefined) throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} has ${pages.length} pages; say which to place with page: N beside the source`);
  if (number > pages.length) throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} has ${pages.length === 1 ? '1 page' : `${pages.length} pages`}, no page ${number}; give a page it has`);
  return { bytes, pdf, shown, pages: pages.length, number, leaf: pages[number - 1].node };
}

function readAdFile(ad: AdSource, shown: string, allow: readonly string[], ws: Workspace): Buffer {
  try {
    return readRegularFile(ad.file, { maxBytes: LIMITS.pictureBytes, within: pictureFolders(ad.pos.file, allow, ws) });
  } catch (e) {
    if (!(e instanceof FileRefused)) throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} cannot be read (${e instanceof Error ? e.message : String(e)}); check its permissions`);
    switch (e.why) {
      case 'missing':
        throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} not found; give the PDF's path relative to the issue file, or an absolute one`);
      case 'directory':
      case 'special':
        throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} is not a regular file but ${e.why === 'directory' ? 'a folder' : e.kind}; give the PDF itself`);
      case 'outside':
        throw new IssueError('outside', ad.pos, `advertisement ${shown} is outside the issue's folder, the workspace, its picture folders and the layout's pictures.allow folders; move it in, or allow its folder in the layout`);
      case 'too-large':
        throw new IssueError('too-large', ad.pos, `advertisement ${shown} has ${e.size} bytes, more than the limit of ${LIMITS.pictureBytes}; ask for a smaller file, or raise BANMIAN_MAX_PICTURE_BYTES`);
    }
  }
}

const ENCRYPT = /\/Encrypt\s*(?:\d+\s+\d+\s+R|<<)/;

/** The file as a PDF; one that is not, or is encrypted (nothing in it can be copied as it is), is bad input. */
async function parseAd(bytes: Buffer, ad: AdSource, shown: string): Promise<PDFDocument> {
  const encrypted = () => new IssueError('bad-ad', ad.pos, `advertisement ${shown} is encrypted; ask the advertiser for the file without a password or security settings`);
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: true });
  } catch (e) {
    if (ENCRYPT.test(bytes.toString('latin1'))) throw encrypted();
    throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} is not a readable PDF (${e instanceof Error ? e.message : String(e)}); ask the advertiser for the PDF/X file`);
  }
  if (pdf.isEncrypted) throw encrypted();
  return pdf;
}

function pagesOf(pdf: PDFDocument, ad: AdSource, shown: string) {
  try {
    return pdf.getPages();
  } catch (e) {
    throw new IssueError('bad-ad', ad.pos, `advertisement ${shown}: its pages cannot be found (${e instanceof Error ? e.message : String(e)}); ask the advertiser for the PDF/X file`);
  }
}
