import { loadHao, loadTemplate } from '../layout/template.js';
import { profileOfLayout } from '../preflight/layout.js';
import { FileRefused, readRegularFile } from '../files.js';
import { layoutFolder, workspaceFrom } from '../workspace/workspace.js';
import { preflight, UnreadablePdf, type PreflightFinding, type PreflightProfile, type PreflightReport } from '../preflight/preflight.js';

export interface PreflightRun {
  reports: PreflightReport[];
  unreadable: string[];
}

/**
 * The plant's limits from a layout's `preflight:` section (the newspaper values where it is
 * silent), and, when the desk names the layout, its trim for every page. The layout is the
 * workspace's of the working folder (or `root`'s), else Banmian's own.
 */
export function profileFromLayout(name: string, checkTrim: boolean, root?: string): PreflightProfile {
  const ws = workspaceFrom(process.cwd(), root);
  // A layout in no folder is read from the first, whose reader says it is not there.
  return profileOfLayout(loadTemplate(layoutFolder(ws.layouts, name) ?? ws.layouts[0], name, loadHao(ws.sizes)), checkTrim);
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
    for (const { finding: f, pages } of byPages(r.findings)) {
      lines.push(`  ${f.severity.padEnd(7)} ${f.check.padEnd(12)} ${f.code.padEnd(20)} ${pages.length ? `${pageRanges(pages)}: ` : ''}${f.message}`);
    }
    lines.push(`  ${summary(r.findings)}`);
  }
  for (const u of run.unreadable) lines.push(`UNREADABLE  ${u}`);
  return `${lines.join('\n')}\n`;
}

/** The same finding on many pages is one line naming the pages, in the order the findings first came. */
function byPages(findings: PreflightFinding[]): { finding: PreflightFinding; pages: number[] }[] {
  const groups = new Map<string, { finding: PreflightFinding; pages: number[] }>();
  for (const f of findings) {
    const key = JSON.stringify([f.severity, f.check, f.code, f.message]);
    const group = groups.get(key) ?? { finding: f, pages: [] };
    if (f.page !== undefined && !group.pages.includes(f.page)) group.pages.push(f.page);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Pages as the desk writes them: `page 4`, `pages 1–3, 5`. */
export function pageRanges(pages: number[]): string {
  const sorted = [...pages].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j > i ? `${sorted[i]}–${sorted[j]}` : `${sorted[i]}`);
    i = j;
  }
  return `${sorted.length > 1 ? 'pages' : 'page'} ${runs.join(', ')}`;
}

/** One line per file: how many errors and warnings, and of which codes. */
function summary(findings: PreflightFinding[]): string {
  if (!findings.length) return 'no findings';
  const part = (severity: 'error' | 'warning') => {
    const of = findings.filter((f) => f.severity === severity);
    if (!of.length) return [];
    return [`${of.length} ${severity}${of.length === 1 ? '' : 's'} (${[...new Set(of.map((f) => f.code))].join(', ')})`];
  };
  return [...part('error'), ...part('warning')].join(', ');
}
