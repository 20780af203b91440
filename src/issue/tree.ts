import { type Document, type Node, LineCounter, isScalar, parseDocument, visit } from 'yaml';

/** An issue text's YAML tree, with the line starts its positions are read by. */
export interface IssueTree {
  text: string;
  doc: Document;
  lines: LineCounter;
}

/** The issue text's YAML tree as `yaml` reads it: prettyErrors off, as positions are worded by us. */
export function parseTree(text: string): IssueTree {
  const lines = new LineCounter();
  return { text, doc: parseDocument(text, { lineCounter: lines, prettyErrors: false }), lines };
}

/**
 * The tree of the issue text a warm process (the preview, `compose --watch`) read last, for the
 * next save to be read from: the same text is not read again, and a save that changes only
 * characters inside one text value, a word of an article, changes that value in the tree
 * instead of reading the whole file again. A tree with syntax errors is never kept.
 */
export class KeptTree {
  private last: IssueTree | undefined;

  read(text: string): IssueTree {
    const tree = (this.last && (this.last.text === text ? this.last : spliced(this.last, text))) ?? parseTree(text);
    this.last = tree.doc.errors.length ? undefined : tree;
    return tree;
  }
}

/**
 * A character that means nothing to YAML's syntax wherever it stands in a value: beyond ASCII,
 * Latin-1's controls and no-break space, and neither a line or paragraph separator nor a byte-order
 * mark. A run of them reads into a value as it is written, whatever the value's style.
 */
const inert = (c: number) => c > 0xa0 && c !== 0x2028 && c !== 0x2029 && c !== 0xfeff && c < 0xfffe;

const allInert = (text: string, from: number, to: number) => {
  for (let k = from; k < to; k++) if (!inert(text.charCodeAt(k))) return false;
  return true;
};

const occurrences = (text: string, part: string) => {
  let n = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) n++;
  return n;
};

/**
 * `last` with the text's one change made in the tree, when the change is one run of inert
 * characters replaced by another inside one text value, not a key; else undefined, and the text
 * is read anew. The run is found in the value as the only place it stands in the value and in its
 * source, so quoting, escapes and folded lines elsewhere in the value do not mislead the splice;
 * the text stays text, as a plain value with characters beyond ASCII is never a number or a date.
 */
function spliced(last: IssueTree, text: string): IssueTree | undefined {
  const old = last.text;
  const shorter = Math.min(old.length, text.length);
  let p = 0;
  while (p < shorter && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  let s = 0;
  while (s < shorter - p && old.charCodeAt(old.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  const oldEnd = old.length - s;
  const newEnd = text.length - s;
  // The change sits inside a run of inert characters: one before it is unchanged.
  if (p === 0 || !inert(old.charCodeAt(p - 1)) || !allInert(old, p, oldEnd) || !allInert(text, p, newEnd)) return undefined;
  let found: Node | undefined;
  // The one value holding the change: collections that do not hold it are passed over.
  const holds = (node: Node) => node.range && node.range[0] < p && oldEnd <= node.range[1];
  visit(last.doc, {
    Scalar(key, node) {
      if (key === 'key' || !holds(node)) return undefined;
      found = node;
      return visit.BREAK;
    },
    Map: (_key, node) => (holds(node) ? undefined : visit.SKIP),
    Seq: (_key, node) => (holds(node) ? undefined : visit.SKIP),
  });
  if (!isScalar(found) || typeof found.value !== 'string') return undefined;
  const [start, end] = found.range!;
  let a = p - 1;
  while (a > start && inert(old.charCodeAt(a - 1))) a--;
  let b = oldEnd;
  while (b < end && inert(old.charCodeAt(b))) b++;
  const run = old.slice(a, b);
  const value = found.value;
  if (occurrences(old.slice(start, end), run) !== 1 || occurrences(value, run) !== 1) return undefined;
  const at = value.indexOf(run);
  const delta = text.length - old.length;
  const edited = `${value.slice(0, at)}${text.slice(a, b + delta)}${value.slice(at + run.length)}`;
  const shift = (range: [number, number, number] | null | undefined) => {
    if (range) for (let k = 0; k < 3; k++) if (range[k] >= oldEnd) range[k] += delta;
  };
  shift(last.doc.range);
  visit(last.doc, (_key, node) => {
    if (node && typeof node === 'object' && 'range' in node) shift((node as Node).range);
  });
  const starts = last.lines.lineStarts;
  for (let k = 0; k < starts.length; k++) if (starts[k] >= oldEnd) starts[k] += delta;
  found.value = edited;
  if (found.source === value) found.source = edited;
  return { text, doc: last.doc, lines: last.lines };
}
