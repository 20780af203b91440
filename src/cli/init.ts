import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve as resolvePath, sep } from 'node:path';
import { isWithin } from '../issue/confine.js';
import { parseIssue } from '../issue/parse.js';
import { resolveIssue } from '../layout/resolve.js';
import { loadHao, loadTemplate } from '../layout/template.js';
import { packageRoot } from '../paths.js';
import { fontRegistry } from '../pipeline/compose.js';
import { bundledWorkspace, findWorkspaceFile, layoutFolder, readWorkspace, workspaceFrom, WORKSPACE_FILE, type Workspace } from '../workspace/workspace.js';

/** The issue schema's place inside Banmian and inside a workspace that keeps its own copy. */
const SCHEMA = join('schema', 'issue.schema.json');

/** banmian.yaml's schema, likewise. */
const WORKSPACE_SCHEMA = join('schema', 'workspace.schema.json');

/** A day, for the calendar arithmetic of "tomorrow". */
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A new issue file for the desk to fill: one page of the chosen layout with a lead picture slot
 * across its grid, and the keys of an article shown in comments. It holds no text of its own. What
 * the masthead and the lead leave of the page is declared reserved (待排): the beside-masthead
 * band (报眼) where the masthead is narrower than the page, and the page under the lead, one free
 * line below each box as "below" leaves it. So the scaffold composes without a hole, and the desk
 * sees on the proof what is still to fill. `schema` is the schema's path from the issue's folder.
 */
export function scaffold(name: string, ws: Workspace, layout: string, date: string, paper: string, schema: string): string {
  const t = loadTemplate(layoutFolder(ws.layouts, layout) ?? ws.layouts[0], layout, loadHao(ws.sizes));
  const { columns, lines } = t.grid;
  const masthead = t.masthead;
  const leadLine = masthead.lines + 2;
  const leadLines = Math.min(30, lines - masthead.lines - 1);
  const spaces: string[] = [];
  if (masthead.columns < columns) {
    spaces.push(`      - {place: {column: ${masthead.columns + 1}, span: ${columns - masthead.columns}, line: 1, lines: ${masthead.lines}}, kind: reserved, label: 待排}   # 报眼`);
  }
  const underLead = leadLine + leadLines + 1;
  if (underLead <= lines) spaces.push(`      - {place: {column: 1, span: ${columns}, line: ${underLead}, lines: bottom}, kind: reserved, label: 待排}`);
  const mastheadNote = masthead.columns < columns ? `grid lines 1–${masthead.lines} of columns 1–${masthead.columns}` : `grid lines 1–${masthead.lines}`;
  return `# yaml-language-server: $schema=${schema}
# ${name}: ${t.name} pages of ${columns} columns × ${lines} grid lines. Run \`npx compose validate\` as you fill it.
format: 1
paper: ${JSON.stringify(paper)}
date: "${date}"
pages:
  - number: 1                  # 版次
    name: 要闻                  # 版名
    layout: ${layout}
    masthead: true             # 头版: the masthead takes ${mastheadNote}
    articles:
      - id: lead
        place: {column: 1, span: ${columns}, line: ${leadLine}, lines: ${leadLines}}
        pictures:
          - place: {column: 1, span: ${columns}, line: 1, lines: ${leadLines}}
            # source: pictures/lead.jpg
        # kicker: 引题
        # headline: 主题 (one or two lines)
        # subhead: 副题
        # byline: …
        # body:
        #   - a paragraph
        #   - {lead: "…：", text: "…"}
        #   - {subhead: 小标题}
        # continued:
        #   - {page: 2, place: {column: 1, span: 2, line: 1, lines: 20}}
${spaces.length ? `    # 留版: what the articles above leave of the page, to fill (make it an article's place) or to
    # keep for an ad (kind: ad). A white area no box claims is a hole (开天窗), a blocking error.
    spaces:
${spaces.join('\n')}
` : ''}`;
}

/** What init writes, validate accepts: the scaffold goes through the same checks first, and throws their IssueErrors. */
export function checkScaffold(text: string, file: string, ws: Workspace): void {
  resolveIssue(parseIssue(text, file, ws), ws, fontRegistry(ws.fonts));
}

/** The day after today on the paper's calendar (its time zone), YYYY-MM-DD: the issue the desk makes tonight. */
export function tomorrow(timeZone: string, now = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, m, d] = today.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!) + DAY_MS).toISOString().slice(0, 10);
}

/** Where init works: the workspace the folder is in, or none yet (init creates it there). */
export interface InitPlace {
  /** The workspace the folder stands in (Banmian's own inside its checkout); undefined: a new one at `dir`. */
  existing?: Workspace;
  dir: string;
  /** The folder the issue goes to. */
  issues: string;
  /** The workspace the issue will be composed in, as it will stand once written. */
  workspace: Workspace;
}

/**
 * `--dir` (or the working folder) inside a workspace adds an issue to it: in that folder, or in
 * the workspace's issues folder when it is the workspace's own. Anywhere else a new workspace
 * is made there. Throws IssueError for a banmian.yaml with mistakes.
 */
export function initPlace(dirGiven: string | undefined, root: string | undefined): InitPlace {
  const dir = resolvePath(dirGiven ?? '.');
  const inside = (ws: Workspace): InitPlace => ({ existing: ws, dir, issues: dirGiven === undefined || dir === ws.root ? ws.issues : dir, workspace: ws });
  if (root !== undefined) return inside(workspaceFrom(dir, root));
  const file = findWorkspaceFile(dir);
  if (file) return inside(readWorkspace(file));
  // Banmian's own checkout serves as its workspace, as it always has.
  if (isWithin(dir, [packageRoot()]) && !packageRoot().split(sep).includes('node_modules')) return inside(bundledWorkspace());
  const bundled = bundledWorkspace();
  return { dir, issues: join(dir, 'issues'), workspace: { ...bundled, file: join(dir, WORKSPACE_FILE), root: dir, issues: join(dir, 'issues'), output: join(dir, 'out') } };
}

/** A file init writes: its text or bytes. */
export interface InitFile {
  path: string;
  content: string | Buffer;
}

export interface InitRequest {
  name: string;
  paper: string;
  layout: string;
  date: string;
  copyLayout: boolean;
}

/**
 * Everything init will write, worked out before anything is written: the issue, and for a new
 * workspace its banmian.yaml, the schema the issue names (when the package is not installed inside
 * the workspace), and with `copyLayout` the layout (and the profile it names) to change.
 */
export function initFiles(place: InitPlace, req: InitRequest): { issue: string; files: InitFile[] } {
  const ws = place.workspace;
  const files: InitFile[] = [];
  if (!place.existing) files.push({ path: join(place.dir, WORKSPACE_FILE), content: workspaceText(req, schemaFrom(place.dir, schemaPlace(ws, files, WORKSPACE_SCHEMA))) });
  const issue = join(place.issues, `${req.name}.yaml`);
  const schema = schemaPlace(ws, files, SCHEMA);
  if (req.copyLayout) files.push(...layoutCopy(place, req.layout));
  const text = scaffold(req.name, ws, req.layout, req.date, req.paper, schemaFrom(place.issues, schema));
  files.push({ path: issue, content: text });
  return { issue, files };
}

/**
 * The schema a file names (`schema`, from Banmian's folder): the installed package's when it lies
 * inside the workspace (node_modules/banmian, following upgrades), else the workspace's own copy,
 * made now if missing.
 */
function schemaPlace(ws: Workspace, files: InitFile[], schema: string): string {
  const installed = join(packageRoot(), schema);
  if (isWithin(installed, [ws.root])) return installed;
  const own = join(ws.root, schema);
  if (!existsSync(own)) files.push({ path: own, content: readFileSync(installed) });
  return own;
}

/** Banmian's layout, copied into the workspace's layouts folder to be changed there, with the profile file it names beside it. */
function layoutCopy(place: InitPlace, name: string): InitFile[] {
  const bundled = bundledWorkspace();
  const from = layoutFolder(bundled.layouts, name) ?? bundled.layouts[0];
  const own = place.workspace.layouts.filter((d) => !bundled.layouts.includes(d));
  const to = own[0] ?? join(place.workspace.root, 'layouts');
  const files: InitFile[] = [{ path: join(to, `${name}.yaml`), content: readFileSync(join(from, `${name}.yaml`)) }];
  // The profile is named by a path from the layout's folder: the copy finds it at the same path from its own.
  const profile = loadTemplate(from, name, loadHao(bundled.sizes)).pictures.profile;
  if (profile !== 'cmyk' && isWithin(profile, [packageRoot()])) {
    const target = resolvePath(to, relative(from, profile));
    if (!existsSync(target) && isWithin(target, [place.workspace.root])) files.push({ path: target, content: readFileSync(profile) });
  }
  return files;
}

/** The schema's path as a `$schema=` line names it from the folder of the file it heads: the language server resolves it from there. */
const schemaFrom = (folder: string, schema: string) => relative(folder, schema).split(sep).join('/');

/** A new workspace's banmian.yaml: what each key does, the optional ones in comments; `schema` from its folder. */
function workspaceText(req: InitRequest, schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# ${WORKSPACE_FILE}: this paper's workspace. Banmian finds it from any issue file in this folder or
# below it. Paths are from this folder; a layout in layouts/ shadows Banmian's own of the same name.
layouts: layouts
# fonts: fonts/fonts.yaml       # the paper's font roles (Banmian's own without it)
# pictures: [pictures]          # folders pictures may come from, besides the issue's folder and this one
# stories: [stories]            # folders story files may come from, likewise
issues: issues                  # where \`compose init\` adds an issue
output: out                     # where PDFs go unless -o says
defaults:
  paper: ${JSON.stringify(req.paper)}
  layout: ${req.layout}
  time-zone: Asia/Shanghai      # the paper's calendar: init dates an issue tomorrow by it
`;
}

/** Folders init makes even when nothing is written into them: the layouts folder banmian.yaml names. */
export function initFolders(place: InitPlace): string[] {
  return place.existing ? [] : [join(place.dir, 'layouts')];
}
