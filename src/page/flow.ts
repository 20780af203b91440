import type { Row } from './rows.js';

/** A run of free grid lines in one column of one part of an article: where body rows may go. */
export interface Slot {
  part: number; // index of the thread's part
  x: number; // left edge, pt
  top: number; // first grid line, 0-based on its page
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

/** Slots of part `part` end at grid line `line` (exclusive); earlier parts are always filled. */
export interface FlowLimit {
  part: number;
  line: number;
}

/**
 * Pours rows into slots in reading order (part by part, column by column, top to bottom). A row
 * that keeps with the next one moves on if the next cannot follow it in the same slot.
 */
export function flowRows(rows: Row[], slots: Slot[], limit: FlowLimit): FlowResult {
  const placed: Placement[] = [];
  let r = 0;
  for (const slot of slots) {
    const end = slot.part === limit.part ? Math.min(slot.top + slot.lines, limit.line) : slot.top + slot.lines;
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
 * 平衡: the lowest limit for the last part at which every row still fits, so that a short story's
 * columns end level (the last may be shorter) instead of one full column and an empty one.
 */
export function balanceRows(rows: Row[], slots: Slot[], lastPart: number, bottom: number): FlowResult {
  const full = flowRows(rows, slots, { part: lastPart, line: bottom });
  const last = slots.filter((s) => s.part === lastPart);
  if (full.overset.length || !last.length) return full;
  let lo = Math.min(...last.map((s) => s.top)) + 1;
  let hi = bottom;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (flowRows(rows, slots, { part: lastPart, line: mid }).overset.length === 0) hi = mid;
    else lo = mid + 1;
  }
  return flowRows(rows, slots, { part: lastPart, line: hi });
}
