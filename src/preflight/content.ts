/** One operator of a content stream with its operands, as tokens. */
export interface Operation {
  op: string;
  args: Operand[];
}

export type Operand = number | boolean | { name: string } | { string: true } | Operand[] | { dict: true };

const WHITE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));

/**
 * Reads a content stream into operations. Strings are not decoded (the checks need colours,
 * matrices, sizes and names, not the text), and inline image data is stepped over.
 */
export function operations(bytes: Uint8Array): Operation[] {
  const ops: Operation[] = [];
  const stack: Operand[][] = [[]];
  let i = 0;
  const n = bytes.length;
  const top = () => stack[stack.length - 1];
  while (i < n) {
    const c = bytes[i];
    if (WHITE.has(c)) {
      i++;
    } else if (c === 0x25) {
      while (i < n && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
    } else if (c === 0x2f) {
      let j = i + 1;
      while (j < n && !WHITE.has(bytes[j]) && !DELIM.has(bytes[j])) j++;
      top().push({ name: Buffer.from(bytes.subarray(i + 1, j)).toString('latin1') });
      i = j;
    } else if (c === 0x28) {
      let depth = 0;
      for (; i < n; i++) {
        if (bytes[i] === 0x5c) i++;
        else if (bytes[i] === 0x28) depth++;
        else if (bytes[i] === 0x29 && --depth === 0) break;
      }
      i++;
      top().push({ string: true });
    } else if (c === 0x3c && bytes[i + 1] === 0x3c) {
      stack.push([]);
      i += 2;
    } else if (c === 0x3e && bytes[i + 1] === 0x3e) {
      // A stray >> or ] (a broken stream) closes nothing: the operands' own level stays.
      if (stack.length > 1) stack.pop();
      top().push({ dict: true });
      i += 2;
    } else if (c === 0x3c) {
      while (i < n && bytes[i] !== 0x3e) i++;
      i++;
      top().push({ string: true });
    } else if (c === 0x5b) {
      stack.push([]);
      i++;
    } else if (c === 0x5d) {
      const arr = stack.length > 1 ? stack.pop()! : [];
      top().push(arr);
      i++;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      let j = i + 1;
      while (j < n && ((bytes[j] >= 0x30 && bytes[j] <= 0x39) || bytes[j] === 0x2e)) j++;
      top().push(Number(Buffer.from(bytes.subarray(i, j)).toString('latin1')));
      i = j;
    } else {
      let j = i;
      while (j < n && !WHITE.has(bytes[j]) && !DELIM.has(bytes[j])) j++;
      if (j === i) j++;
      const op = Buffer.from(bytes.subarray(i, j)).toString('latin1');
      i = j;
      if (op === 'true' || op === 'false') {
        top().push(op === 'true');
        continue;
      }
      if (op === 'ID') {
        // Inline image data runs to whitespace + EI + whitespace. The image comes out as one EI
        // whose operands are its dictionary's keys and values, in order (/W 8 /CS /RGB …).
        i++;
        while (i < n && !(WHITE.has(bytes[i - 1]) && bytes[i] === 0x45 && bytes[i + 1] === 0x49 && (i + 2 >= n || WHITE.has(bytes[i + 2])))) i++;
        i += 2;
        ops.push({ op: 'EI', args: stack[0] });
        stack.length = 1;
        stack[0] = [];
        continue;
      }
      ops.push({ op, args: stack[0] });
      stack.length = 1;
      stack[0] = [];
    }
  }
  return ops;
}

export type Matrix = [number, number, number, number, number, number];

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m × n, in PDF's row-vector convention (apply m, then n). */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

export const isMatrix = (a: Operand[]): a is number[] => a.length === 6 && a.every((x) => typeof x === 'number');
