import { FileRefused, readRegularFile, withRegularFile } from '../files.js';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { IssueError } from '../issue/errors.js';
import { readDeskFile } from '../issue/read.js';
import { Locator } from '../issue/schema.js';
import { LIMITS } from '../limits.js';

/** A configuration file of the project (a layout, sizes.yaml, fonts.yaml), parsed with its positions. */
export interface ConfigFile {
  file: string;
  doc: Document;
  loc: Locator;
  /** The whole file as plain data: null for a file of comments only. */
  data: unknown;
}

/**
 * Reads a configuration file through the same path as an issue file: a missing, unreadable,
 * oversized, empty or non-UTF-8 file, a YAML syntax error and aliases that expand too far are
 * each one IssueError at the configuration file's own position, so they end as bad input.
 */
export function readConfig(file: string, noun: string, empty: string): ConfigFile {
  const text = readDeskFile({ path: file, at: { file, line: 1, column: 1 }, noun, ext: '.yaml', empty });
  const lines = new LineCounter();
  // prettyErrors off: the message is one line at our own position, not yaml's code frame.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const loc = new Locator(file, doc, lines, noun);
  const syntax = doc.errors[0];
  if (syntax) throw new IssueError('bad-template', loc.at(syntax.pos[0]), `${noun}: YAML syntax error: ${oneLine(syntax.message)}; correct the file there`);
  try {
    return { file, doc, loc, data: doc.toJS({ maxAliasCount: LIMITS.yamlAliases }) };
  } catch (e) {
    throw new IssueError('too-large', loc.at(0), `${noun}: its aliases expand too far (${oneLine(e instanceof Error ? e.message : String(e))}); write the values out`);
  }
}

/** yaml's message without its line breaks, so the error stays one line. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Why a file named by a configuration file was not read: `missing` when there is nothing at the path. */
export class Refused extends Error {
  constructor(readonly missing: boolean, why: string) {
    super(why);
    this.name = 'Refused';
  }
}

/**
 * The bytes of a file a configuration file names (a font, a profile), opened once without waiting:
 * a pipe or a device is refused, never read, and the kind and size are checked on the opened
 * descriptor. Throws Refused for what the desk can mend; other faults are the machine's. Given
 * `read`, the file is read by it from the descriptor (a part of a large file), not whole.
 */
export function readNamedFile(path: string, maxBytes: number): Buffer;
export function readNamedFile<T>(path: string, maxBytes: number, read: (fd: number) => T): T;
export function readNamedFile<T>(path: string, maxBytes: number, read?: (fd: number) => T): T | Buffer {
  try {
    return read ? withRegularFile(path, { maxBytes }, read) : readRegularFile(path, { maxBytes });
  } catch (e) {
    if (e instanceof FileRefused) {
      if (e.why === 'missing') throw new Refused(true, `${path} is not there`);
      if (e.why === 'directory') throw new Refused(false, `${path} is a directory, not a file`);
      if (e.why === 'too-large') throw new Refused(false, `${path} has ${e.size} bytes, more than the ${maxBytes} such a file may have`);
      throw new Refused(false, `${path} is not a regular file but ${e.kind}`);
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new Refused(false, `${path} cannot be read (no permission)`);
    throw e;
  }
}
