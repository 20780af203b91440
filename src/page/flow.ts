import type { Row } from './rows.js';

/** A run of free grid lines in one column of an article: where body rows may go. */
export interface Slot {
  column: number; // 0-based within the article
  x: number; // left edge, pt
  top: number; // first grid line, 0-based on the page
  lines: number;
}

export interface Placement {
  row: Row;
  slot: Slot;
  line: number; // grid line of the row's top, 0-based on the page
}

export interface FlowResult {
  placed: Placement[];
  overset: Row[];
}

/**
 * Pours rows into slots in reading order (column by column, top to bottom), never past `limit`
 * (a grid line, exclusive). A row that keeps with the next one moves on if the next cannot follow.
 */
export function flowRows(rows: Row[], slots: Slot[], limit: number): FlowResult {
  const placed: Placement[] = [];
  let r = 0;
  for (const slot of slots) {
    const end = Math.min(slot.top + slot.lines, limit);
    let line = slot.top;
    while (r < rows.length) {
      const row = rows[r];
      const next = rows[r + 1];
      const need = row.lines + (row.keepWithNext && next ? next.lines : 0);
      if (line + need > end) break;
      placed.push({ row, slot, line });
      line += row.lines;
      r++;
    }
    if (r === rows.length) break;
  }
  return { placed, overset: rows.slice(r) };
}

/**
 * 平衡: the lowest limit at which every row still fits, so that a short story's columns end
 * level (the last may be shorter) instead of one full column and an empty one.
 */
export function balanceRows(rows: Row[], slots: Slot[], bottom: number): FlowResult {
  const full = flowRows(rows, slots, bottom);
  if (full.overset.length || !slots.length) return full;
  let lo = Math.min(...slots.map((s) => s.top)) + 1;
  let hi = bottom;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (flowRows(rows, slots, mid).overset.length === 0) hi = mid;
    else lo = mid + 1;
  }
  return flowRows(rows, slots, hi);
}
