// A paper's own workspace: the folder of its banmian.yaml, found upward from the issue file as a
// project file is, naming the layouts, fonts, picture and story folders and output folder the
// paper keeps. Outside any workspace, Banmian's own layouts and fonts serve, as they always did.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { IssueError } from '../issue/errors.js';
import { describe, isObj, suggest, type Locator } from '../issue/schema.js';
import type { SourcePos } from '../issue/types.js';
import { readConfig } from '../layout/config.js';
import { packageRoot } from '../paths.js';

/** The workspace file's name, looked for in the issue's folder and every folder above it. */
export const WORKSPACE_FILE = 'banmian.yaml';

/** The paper's time zone unless banmian.yaml says otherwise: `init` dates an issue by its calendar. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The layout `init` scaffolds from unless told. */
export const DEFAULT_LAYOUT = 'broadsheet';

/** Where a workspace keeps its issues unless banmian.yaml says otherwise. */
const DEFAULT_ISSUES = 'issues';

/** Everything the pipeline reads besides the issue and its own files, resolved to absolute paths. */
export interface Workspace {
  /** banmian.yaml; undefined outside any workspace, where Banmian's own files serve. */
  file?: string;
  /** The workspace's folder (Banmian's own outside one): files under it may be read by an issue. */
  root: string;
  /** Folders of layouts in the order they are searched: a paper's layout shadows Banmian's of the same name. */
  layouts: string[];
  /** The folder whose sizes.yaml gives the 号 sizes for every layout: the paper's first layouts folder that has one, else Banmian's. */
  sizes: string;
  /** The fonts.yaml whose roles the layouts' styles name. */
  fonts: string;
  /** Folders pictures may be read from besides the issue's folder and the root. */
  pictures: string[];
  /** Folders story files may be read from besides the issue's folder and the root. */
  stories: string[];
  /** Where `init` adds an issue. */
  issues: string;
  /** Where PDFs go unless the run names a folder; undefined: `out` under the working directory. */
  output?: string;
  defaults: { paper?: string; layout: string; timeZone: string };
}

/** The output folder when neither -o nor the workspace names one: under the working folder. */
export const DEFAULT_OUT = 'out';

/** Banmian's own folders and files: what serves an issue in no workspace, and what a workspace falls back on. */
export function bundledWorkspace(): Workspace {
  const root = packageRoot();
  const layouts = join(root, 'layouts');
  return {
    root,
    layouts: [layouts],
    sizes: layouts,
    fonts: join(root, 'fonts', 'fonts.yaml'),
    pictures: [],
    stories: [],
    issues: join(root, DEFAULT_ISSUES),
    defaults: { layout: DEFAULT_LAYOUT, timeZone: DEFAULT_TIME_ZONE },
  };
}

/** The banmian.yaml in `dir` or the nearest folder above it, if any. */
export function findWorkspaceFile(dir: string): string | undefined {
  for (let at = resolvePath(dir); ; at = dirname(at)) {
    const file = join(at, WORKSPACE_FILE);
    if (existsSync(file)) return file;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * The workspace an issue file belongs to: the banmian.yaml of `root` when the run names one
 * (`--root`), else the nearest above the issue file, else Banmian's own. Throws IssueError for a
 * `root` without banmian.yaml and for every mistake in the file, at its place.
 */
export function workspaceOf(issueFile: string, root?: string): Workspace {
  return workspaceFrom(dirname(resolvePath(issueFile)), root);
}

/** The workspace of a folder (where `init` writes, where `fonts` looks), as `workspaceOf` finds one for a file in it. */
export function workspaceFrom(dir: string, root?: string): Workspace {
  if (root !== undefined) {
    const file = join(resolvePath(root), WORKSPACE_FILE);
    if (!existsSync(file)) throw new IssueError('missing-file', { file, line: 1, column: 1 }, `--root ${root} holds no ${WORKSPACE_FILE}; give the folder of the paper's workspace, or create one with \`compose init --dir ${root}\``);
    return readWorkspace(file);
  }
  const file = findWorkspaceFile(dir);
  return file ? readWorkspace(file) : bundledWorkspace();
}

const KEYS = ['layouts', 'fonts', 'pictures', 'stories', 'issues', 'output', 'defaults'];
const DEFAULT_KEYS = ['paper', 'layout', 'time-zone'];
const FORM = 'layouts: (folders of layouts), fonts: (a fonts.yaml), pictures:, stories: (folders), issues:, output: (a folder) and defaults: (paper, layout, time-zone)';

/** banmian.yaml read and checked: every path from its own folder, every mistake at its place in it. */
export function readWorkspace(file: string): Workspace {
  const { data, loc } = readConfig(file, WORKSPACE_FILE, `give it any of ${FORM}, or write {} for Banmian's own layouts and fonts`);
  const root = dirname(resolvePath(file));
  const fail = (at: SourcePos, what: string): never => {
    throw new IssueError('bad-template', at, `${WORKSPACE_FILE}: ${what}`);
  };
  if (data !== null && !isObj(data)) fail(loc.value([]), `must be a mapping of ${FORM}, not ${describe(data)}`);
  const conf = (data ?? {}) as Record<string, unknown>;
  unknownKeys(conf, [], KEYS, loc, fail);
  const folders = (key: string): string[] => {
    const v = conf[key];
    if (v === undefined) return [];
    const list = Array.isArray(v) ? v : [v];
    return list.map((entry, i) => {
      const at = loc.value(Array.isArray(v) ? [key, i] : [key]);
      if (typeof entry !== 'string' || !entry) fail(at, `${key} must be a folder or a list of folders, from this file's folder, not ${describe(entry)}`);
      const path = resolvePath(root, entry as string);
      if (!isFolder(path)) fail(at, `${key}: ${path} is not a folder; create it, or correct the path`);
      return path;
    });
  };
  const onePath = (key: string): string | undefined => {
    const v = conf[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !v) fail(loc.value([key]), `${key} must be a path from this file's folder, not ${describe(v)}`);
    return resolvePath(root, v as string);
  };

  const bundled = bundledWorkspace();
  const own = folders('layouts');
  const fonts = onePath('fonts');
  if (fonts !== undefined && !existsSync(fonts)) fail(loc.value(['fonts']), `fonts: ${fonts} is not there; give the paper's fonts.yaml, or leave fonts out for Banmian's own`);
  const defaults = readDefaults(conf.defaults, loc, fail);
  const layouts = [...own, ...bundled.layouts];
  if (defaults.layout !== undefined && !layoutFolder(layouts, defaults.layout)) {
    fail(loc.value(['defaults', 'layout']), `defaults: there is no layout "${defaults.layout}"; name one of ${layoutNames(layouts).join(', ')}`);
  }
  return {
    file: resolvePath(file),
    root,
    layouts,
    sizes: own.find((dir) => existsSync(join(dir, 'sizes.yaml'))) ?? bundled.sizes,
    fonts: fonts ?? bundled.fonts,
    pictures: folders('pictures'),
    stories: folders('stories'),
    issues: onePath('issues') ?? join(root, DEFAULT_ISSUES),
    output: onePath('output'),
    defaults: { paper: defaults.paper, layout: defaults.layout ?? DEFAULT_LAYOUT, timeZone: defaults.timeZone ?? DEFAULT_TIME_ZONE },
  };
}

function readDefaults(v: unknown, loc: Locator, fail: (at: SourcePos, what: string) => never): { paper?: string; layout?: string; timeZone?: string } {
  if (v === undefined) return {};
  if (!isObj(v)) fail(loc.value(['defaults']), `defaults must be a mapping of ${DEFAULT_KEYS.join(', ')}, not ${describe(v)}`);
  const d = v as Record<string, unknown>;
  unknownKeys(d, ['defaults'], DEFAULT_KEYS, loc, fail);
  for (const [key, value] of Object.entries(d)) {
    if (typeof value !== 'string' || !value) fail(loc.value(['defaults', key]), `defaults: ${key} must be a non-empty string, not ${describe(value)}`);
  }
  const timeZone = d['time-zone'] as string | undefined;
  if (timeZone !== undefined && !knownTimeZone(timeZone)) fail(loc.value(['defaults', 'time-zone']), `defaults: time-zone "${timeZone}" is no IANA time zone; give one such as ${DEFAULT_TIME_ZONE}`);
  return { paper: d.paper as string | undefined, layout: d.layout as string | undefined, timeZone };
}

function unknownKeys(obj: Record<string, unknown>, path: string[], known: string[], loc: Locator, fail: (at: SourcePos, what: string) => never): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const near = suggest(key, known);
    fail(loc.key(path, key), `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; the keys${path.length ? ` of ${path.join('.')}` : ''} are ${known.join(', ')}`);
  }
}

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The first of the folders that holds layout `name`, or undefined: a name that is no plain file name is in none. */
export function layoutFolder(folders: readonly string[], name: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name) || name === 'sizes') return undefined;
  return folders.find((dir) => existsSync(join(dir, `${name}.yaml`)));
}

/** Every layout the folders offer, each name once. */
export function layoutNames(folders: readonly string[]): string[] {
  const names = folders.flatMap((dir) => (isFolder(dir) ? readdirSync(dir) : []).filter((f) => f.endsWith('.yaml') && f !== 'sizes.yaml').map((f) => f.slice(0, -5)));
  return [...new Set(names)].sort();
}

/** The folders an issue's story files may come from: its own, the workspace's, and those banmian.yaml names. */
export function storyFolders(issueFile: string, ws: Workspace): string[] {
  return [dirname(resolvePath(issueFile)), ws.root, ...ws.stories];
}
