import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { geometryOf, loadHao, loadTemplate } from '../layout/template.js';
import { packageRoot } from '../paths.js';
import { preflight, UnreadablePdf, type PreflightProfile, type PreflightReport } from '../preflight/preflight.js';

export interface PreflightRun {
  reports: PreflightReport[];
  unreadable: string[];
}

/**
 * The plant's limits from a layout: its ink limit and picture resolutions, and, when the desk
 * names the layout, its trim for every page.
 */
export function profileFromLayout(name: string, checkTrim: boolean): PreflightProfile {
  const layouts = join(packageRoot(), 'layouts');
  const t = loadTemplate(layouts, name, loadHao(layouts));
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

/**
 * The file's bytes, read from the one descriptor that was checked: opened without blocking (a FIFO
 * would wait for a writer for ever) and refused unless it is a regular file.
 */
function readPdf(file: string): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`not a regular file but ${kindOf(stat)}; give the PDF itself`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isSocket()) return 'a socket';
  return 'a device';
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
