import type { Region } from './regions.js';
import type { Row } from './rows.js';

export interface Placement {
  row: Row;
  region: Region;
  line: number; // grid line of the row's top, from the part's top
}

export interface FlowResult {
  placed: Placement[];
  overset: Row[];
}

/** Regions of part `part` end at grid line `line` (exclusive); earlier parts are always filled. */
export interface FlowLimit {
  part: number;
  line: number;
}

/**
 * Pours rows into regions in reading order (part by part, column by column, top to bottom). A row
 * that keeps with the next one moves on if the next cannot follow it in the same region.
 */
export function flowRows(rows: Row[], regions: Region[], limit: FlowLimit): FlowResult {
  const placed: Placement[] = [];
  const r = pour(rows, regions, limit, placed);
  return { placed, overset: rows.slice(r) };
}

/** How many of the rows the regions hold within the limit, each placement noted in `placed` when given (a trial needs only the count). */
function pour(rows: Row[], regions: Region[], limit: FlowLimit, placed?: Placement[]): number {
  let r = 0;
  for (const region of regions) {
    const end = region.part === limit.part ? Math.min(region.top + region.lines, limit.line) : region.top + region.lines;
    let line = region.top;
    while (r < rows.length) {
      const row = rows[r];
      const next = rows[r + 1];
      const need = row.lines + (row.keepWithNext && next ? next.lines : 0);
      if (line + need > end) break;
      placed?.push({ row, region, line });
      line += row.lines;
      r++;
    }
    if (r === rows.length) break;
  }
  return r;
}

/**
 * 平衡: the lowest limit for the last part at which every row still fits, so that a short story's
 * columns end level (the last may be shorter) instead of one full column and an empty one.
 */
export function balanceRows(rows: Row[], regions: Region[], lastPart: number, bottom: number): FlowResult {
  const full = flowRows(rows, regions, { part: lastPart, line: bottom });
  const last = regions.filter((s) => s.part === lastPart);
  if (full.overset.length || !last.length) return full;
  let lo = Math.min(...last.map((s) => s.top)) + 1;
  let hi = bottom;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pour(rows, regions, { part: lastPart, line: mid }) === rows.length) hi = mid;
    else lo = mid + 1;
  }
  return flowRows(rows, regions, { part: lastPart, line: hi });
}
