import { closeSync, fstatSync, openSync, readSync, constants as fsConstants } from 'node:fs';
import { Option, type Command } from 'commander';
import { LIMITS } from '../limits.js';
import { printable } from '../issue/errors.js';
import type { Diagnostic } from './diagnostic.js';

/** How diagnostics are written: with the source line under each (a terminal), one line each, or JSON lines. */
export type DiagnosticFormat = 'human' | 'short' | 'json';
export const DIAGNOSTIC_FORMATS = ['auto', 'human', 'short', 'json'] as const;
export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;

export interface DiagnosticStyle {
  format: DiagnosticFormat;
  color: boolean;
}

/** The two options every command that reports problems takes. */
export function addDiagnosticOptions(command: Command): void {
  command
    .addOption(new Option('--diagnostic-format <format>', 'problems as: human (with the source line and a caret), short (one line each), json (one object a line); auto: human on a terminal, else short').choices(DIAGNOSTIC_FORMATS).default('auto'))
    .addOption(new Option('--color <when>', 'colour the problems: auto (on a terminal, unless NO_COLOR is set), always, never').choices(COLOR_CHOICES).default('auto'));
}

/** The style a command's options ask for, on the stream the diagnostics go to. */
export function diagnosticStyle(opts: { diagnosticFormat?: string; color?: string }, stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): DiagnosticStyle {
  const terminal = stream.isTTY === true;
  const format = opts.diagnosticFormat === 'human' || opts.diagnosticFormat === 'short' || opts.diagnosticFormat === 'json' ? opts.diagnosticFormat : terminal ? 'human' : 'short';
  // https://no-color.org: any non-empty NO_COLOR turns colour off where it would be on by itself.
  const color = format !== 'json' && (opts.color === 'always' || (opts.color !== 'never' && terminal && !env['NO_COLOR']));
  return { format, color };
}

const SGR = { bold: '\u001b[1m', red: '\u001b[1;31m', magenta: '\u001b[1;35m', green: '\u001b[1;32m', reset: '\u001b[0m' } as const;

/** A diagnostic as the lines it is written as (no trailing newline). */
export function renderDiagnostic(d: Diagnostic, style: DiagnosticStyle, source: SourceLines = sourceLines()): string {
  if (style.format === 'json') return JSON.stringify(d);
  const paint = (sgr: string, text: string) => (style.color ? `${sgr}${text}${SGR.reset}` : text);
  const where = d.line === null ? `${printable(d.file)}:` : `${printable(d.file)}:${d.line}:${d.column}:`;
  const severity = paint(d.severity === 'error' ? SGR.red : SGR.magenta, `${d.severity}:`);
  const about = [d.page !== null ? `page ${d.page}` : '', d.article !== null ? `article ${d.article}` : ''].filter(Boolean).join(', ');
  // A finding says what kind it is, as the desk knows them (overset, hole); bad input says it in its message.
  const kind = d.page !== null || d.article !== null ? `${d.code}${about ? ` (${about})` : ''}: ` : '';
  const head = `${paint(SGR.bold, where)} ${severity} ${kind}${d.message}`;
  if (style.format === 'short' || d.line === null || d.column === null) return head;
  const text = source(d.file, d.line);
  if (text === undefined) return head;
  const number = String(d.line);
  const gutter = ' '.repeat(number.length);
  const caret = paint(SGR.green, '^');
  return `${head}\n ${number} | ${printable(text)}\n ${gutter} | ${padUnder(printable(text.slice(0, d.column - 1)))}${caret}`;
}

/** Writes diagnostics to standard error, one after another, in the given style. */
export function writeDiagnostics(diagnostics: readonly Diagnostic[], style: DiagnosticStyle, stream: NodeJS.WritableStream = process.stderr): void {
  const source = sourceLines();
  for (const d of diagnostics) stream.write(`${renderDiagnostic(d, style, source)}\n`);
}

/** The text of one line of a file, if the file can be read safely and the line is short enough to show. */
export type SourceLines = (file: string, line: number) => string | undefined;

/** A line quoting more than this is not shown under its diagnostic: the message says enough. */
const SOURCE_LINE_MAX = 240;

/**
 * Source lines read once per file, and only from a regular file within the issue size limit: a
 * FIFO or device named as an input is never waited on to show a line of it.
 */
export function sourceLines(): SourceLines {
  const files = new Map<string, string[] | undefined>();
  return (file, line) => {
    if (!files.has(file)) files.set(file, readSmallFile(file)?.split(/\r?\n/));
    const text = files.get(file)?.[line - 1];
    return text !== undefined && text.length <= SOURCE_LINE_MAX ? text : undefined;
  };
}

function readSmallFile(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const s = fstatSync(fd);
    if (!s.isFile() || s.size > LIMITS.issueBytes) return undefined;
    const bytes = Buffer.alloc(s.size);
    const n = readSync(fd, bytes, 0, s.size, 0);
    return bytes.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// Characters a terminal draws two cells wide: Hangul Jamo, CJK and its punctuation, Hangul syllables,
// compatibility ideographs, vertical and fullwidth forms, and the supplementary ideograph planes.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u;

/** White space as wide on a terminal as `text`, so a caret after it stands under the next character. */
function padUnder(text: string): string {
  let pad = '';
  for (const c of text) pad += WIDE.test(c) ? '  ' : ' ';
  return pad;
}
