import { geometryOf, loadHao, loadTemplate } from '../layout/template.js';
import { FileRefused, readRegularFile } from '../files.js';
import { layoutFolder, workspaceFrom } from '../workspace/workspace.js';
import { preflight, UnreadablePdf, type PreflightProfile, type PreflightReport } from '../preflight/preflight.js';

export interface PreflightRun {
  reports: PreflightReport[];
  unreadable: string[];
}

/**
 * The plant's limits from a layout: its ink limit and picture resolutions, and, when the desk
 * names the layout, its trim for every page. The layout is the workspace's of the working folder
 * (or `root`'s), else Banmian's own.
 */
export function profileFromLayout(name: string, checkTrim: boolean, root?: string): PreflightProfile {
  const ws = workspaceFrom(process.cwd(), root);
  // A layout in no folder is read from the first, whose reader says it is not there.
  const t = loadTemplate(layoutFolder(ws.layouts, name) ?? ws.layouts[0], name, loadHao(ws.sizes));
  const g = geometryOf(t);
  return { tac: t.pictures.tac, minPpi: t.pictures.minPpi, warnPpi: t.pictures.ppi, spots: [], ...(checkTrim ? { trim: { width: g.trimWidth, height: g.trimHeight } } : {}) };
}

export async function preflightFiles(files: string[], profile: PreflightProfile): Promise<PreflightRun> {
  const reports: PreflightReport[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readPdf(file);
    } catch (e) {
      unreadable.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    try {
      reports.push(await preflight(bytes, file, profile));
    } catch (e) {
      if (e instanceof UnreadablePdf) unreadable.push(e.message);
      else throw e;
    }
  }
  return { reports, unreadable };
}

/** The file's bytes, read from the one descriptor that was checked: a FIFO, folder or device is refused unread. */
function readPdf(file: string): Buffer {
  try {
    return readRegularFile(file, { maxBytes: Number.MAX_SAFE_INTEGER });
  } catch (e) {
    if (!(e instanceof FileRefused)) throw e;
    if (e.why === 'missing') throw new Error('not there');
    throw new Error(`not a regular file but ${e.why === 'directory' ? 'a folder' : e.kind}; give the PDF itself`);
  }
}

export function formatPreflight(run: PreflightRun): string {
  const lines: string[] = [];
  for (const r of run.reports) {
    lines.push(`${r.pass ? 'PASS' : 'FAIL'}  ${r.file}${r.claims ? `  (${r.claims})` : ''}`);
    for (const f of r.findings) lines.push(`  ${f.severity.padEnd(7)} ${f.check.padEnd(12)} ${f.page ? `p${f.page}: ` : ''}${f.message}`);
  }
  for (const u of run.unreadable) lines.push(`UNREADABLE  ${u}`);
  return `${lines.join('\n')}\n`;
}
