/** Where JSON text breaks the grammar (RFC 8259) and why; JSON.parse's own messages often give no position. */
export interface JsonSyntaxError {
  at: number;
  why: string;
}

const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const SPACE = /[ \t\n\r]*/y;

/**
 * The first place where `text` is not JSON, or undefined when JSON.parse will take it. A loop
 * with an explicit stack, not recursion: a file of nested brackets must not exhaust the stack.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const space = () => {
    SPACE.lastIndex = i;
    SPACE.test(text);
    i = SPACE.lastIndex;
  };
  const string = (): JsonSyntaxError | undefined => {
    const start = i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return undefined;
      }
      if (c < ' ') return { at: i, why: 'a line break or control character inside a string; write \\n, or join the lines' };
      if (c === '\\') {
        const e = text[i + 1];
        const ok = e === 'u' ? /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : e !== undefined && '"\\/bfnrt'.includes(e);
        if (!ok) return { at: i, why: 'a bad escape after \\; JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX' };
        i += e === 'u' ? 6 : 2;
        continue;
      }
      i++;
    }
    return { at: start, why: 'this string is never closed' };
  };
  /** A key and its colon, at the start of an object member. */
  const key = (): JsonSyntaxError | undefined => {
    space();
    if (text[i] !== '"') return { at: i, why: 'expected a key in double quotes' };
    const bad = string();
    if (bad) return bad;
    space();
    if (text[i] !== ':') return { at: i, why: 'expected ":" after the key' };
    i++;
    return undefined;
  };

  const open: ('{' | '[')[] = [];
  for (;;) {
    // A value.
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      space();
      if (text[i] === (c === '{' ? '}' : ']')) i++;
      else {
        open.push(c);
        const bad = c === '{' ? key() : undefined;
        if (bad) return bad;
        continue;
      }
    } else if (c === '"') {
      const bad = string();
      if (bad) return bad;
    } else {
      const literal = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      NUMBER.lastIndex = i;
      if (literal) i += literal.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else return { at: i, why: i >= text.length ? 'the text ends where a value should be' : 'expected a value: a string in double quotes, a number, true, false, null, an object or a list' };
    }
    // What follows it: the end, a comma and the next member, or closing brackets.
    for (;;) {
      space();
      const inside = open[open.length - 1];
      if (!inside) return i < text.length ? { at: i, why: 'more text after the end of the JSON value' } : undefined;
      const close = inside === '{' ? '}' : ']';
      if (text[i] === close) {
        i++;
        open.pop();
        continue;
      }
      if (text[i] !== ',') return { at: i, why: `expected "," or "${close}"` };
      i++;
      const bad = inside === '{' ? key() : undefined;
      if (bad) return bad;
      break;
    }
  }
}
