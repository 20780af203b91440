import { statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Ads } from '../ads/prepare.js';
import { FontRegistry } from '../fonts/registry.js';
import { preparePictures, type Pictures } from '../images/pictures.js';
import type { PreparedPicture } from '../images/prepare.js';
import { outputProfile } from '../images/profile.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import { loadIssue } from '../issue/parse.js';
import { KeptTree } from '../issue/tree.js';
import type { Issue, SourcePos } from '../issue/types.js';
import { resolveIssue, type IssuePlan, type TemplateLoader } from '../layout/resolve.js';
import { loadTemplate, type PdfxLevel, type Template } from '../layout/template.js';
import { setArticle, type ArticleSetter, type ArticleSetting } from '../page/article.js';
import { composeIssue } from '../page/compose.js';
import type { ComposedPage, Composition, PlacedFrame, PlacedGlyph } from '../page/types.js';
import { DrawnPages, renderPdf, type PageCounts } from '../render/pdf.js';
import { pictureDigest, sha256 } from '../render/store.js';
import { sameFile, writeAtomically } from '../files.js';
import { DEFAULT_OUT, bundledWorkspace, workspaceOf, type Workspace } from '../workspace/workspace.js';

export interface ComposeResult {
  pdf: string;
  issue: Issue;
  composition: Composition;
  /** The PDF as written. */
  bytes: Uint8Array;
  /** The workspace the issue was composed in. */
  workspace: Workspace;
}

const registries = new Map<string, FontRegistry>();
/** Fonts load once per process and fonts.yaml (Banmian's own unless given), whatever number of issues it composes. */
export function fontRegistry(fontsFile = bundledWorkspace().fonts): FontRegistry {
  let registry = registries.get(fontsFile);
  if (!registry) registries.set(fontsFile, (registry = new FontRegistry(fontsFile)));
  return registry;
}

export interface ComposeOptions {
  /** Overrides the layout's PDF/X level. */
  pdfx?: PdfxLevel;
  /** The run report's file (-r), written after the PDF: checked with it against the run's inputs. */
  report?: string;
  /** The workspace's folder (`--root`), instead of the banmian.yaml found upward from the issue file. */
  root?: string;
  /** The PDF's own path (-o FILE.pdf), in place of the issue file's name in the output folder. */
  pdf?: string;
}

/** An issue composed and its pictures made ready: what the PDF and the proofs are drawn from. */
export interface ComposedIssue {
  issue: Issue;
  plan: IssuePlan;
  composition: Composition;
  pictures: Pictures;
  /** The workspace the issue was composed in, and the fonts it names: what its proofs are drawn with. */
  workspace: Workspace;
  fonts: FontRegistry;
}

/** parse → resolve → compose → pictures, once; `root` as ComposeOptions.root. */
export function buildIssue(issuePath: string, root?: string): Promise<ComposedIssue> {
  return composeSession(setArticle, ONCE).build(issuePath, root);
}

/**
 * A digest of everything a page is drawn from, in the PDF and in its proof: the page, its
 * pictures' bytes and which of its articles are overset (a proof marks them). Two builds that give
 * a page the same look draw it the same, so a warm process need not draw it again.
 */
export function pageLook(page: ComposedPage, built: ComposedIssue): string {
  const pictures = page.frames.map((f) => {
    const prepared = built.pictures.images.get(f);
    return prepared ? pictureDigest(prepared.jpeg) : '';
  });
  const overset = built.composition.findings.filter((f) => f.code === 'overset' && f.page === page.number).map((f) => f.article);
  return sha256(JSON.stringify([{ ...page, glyphs: glyphsDigest(page.glyphs) }, pictures, overset])).slice(0, 16);
}

/** The numbers of a page's glyphs, seven each, in a buffer kept from page to page. */
let glyphNumbers = new Float64Array(0);
const GLYPH_NUMBERS = 7;

/**
 * A digest of what a page's glyphs draw, not of where their text was filed: their numbers hashed
 * as one buffer, their strings by first appearance. The JSON of thousands of glyphs, each with
 * its source position, cost a preview some 10 ms a save.
 */
function glyphsDigest(glyphs: readonly PlacedGlyph[]): string {
  if (glyphNumbers.length < glyphs.length * GLYPH_NUMBERS) glyphNumbers = new Float64Array(glyphs.length * GLYPH_NUMBERS * 2);
  const texts = new Map<string, number>();
  const textIndex = (text: string) => {
    let i = texts.get(text);
    if (i === undefined) texts.set(text, (i = texts.size));
    return i;
  };
  let k = 0;
  // Glyphs come in runs of one face; a character of one UTF-16 unit stands for itself.
  let face = '';
  let faceIndex = -1;
  for (const g of glyphs) {
    if (g.face !== face) faceIndex = textIndex((face = g.face));
    glyphNumbers[k++] = g.x;
    glyphNumbers[k++] = g.y;
    glyphNumbers[k++] = g.size;
    glyphNumbers[k++] = (g.fullWidth ? 1 : 0) + (g.halfWidth ? 2 : 0);
    glyphNumbers[k++] = g.ch.length === 1 ? g.ch.charCodeAt(0) : -1 - textIndex(g.ch);
    glyphNumbers[k++] = faceIndex;
    glyphNumbers[k++] = (g.actualText === undefined ? -1 : textIndex(g.actualText)) * 2 ** 20 + (g.ink ? textIndex(g.ink.join()) : -1);
  }
  return sha256(JSON.stringify([...texts.keys()])) + sha256(new Uint8Array(glyphNumbers.buffer, 0, k * 8));
}

/**
 * The PDF of a built issue, as `compose` writes it; `pdfx` overrides the layout's level. A warm
 * process passes the pages it drew last (`drawn`), and only pages whose content changed are drawn.
 */
export async function renderIssue(built: ComposedIssue, pdfx?: PdfxLevel, drawn?: DrawnPages): Promise<Buffer> {
  const { issue, plan } = built;
  // One output intent per file: the plant's profile as the first page's layout names it.
  const profile = await outputProfile(plan.pages[0].template.pictures.profile);
  const level = pdfx ?? plan.pages[0].template.pdfx;
  const { composition } = built;
  // Advertisements are checked for the level the file goes out at, so their findings join the build's here.
  const ads = await issueAds(built, level);
  if (ads) composition.findings.push(...ads.findings);
  return renderPdf(composition, built.fonts, { title: `${issue.paper} ${issue.date}`, date: issue.date, pdfx: level }, built.pictures.images, profile, ads?.placed, drawn);
}

/**
 * The advertisements of a built issue read and checked for `level` (the first page's layout's
 * unless given), as the PDF and the proofs place them; only an issue that places one loads their stage.
 */
export async function issueAds(built: ComposedIssue, level: PdfxLevel = built.plan.pages[0].template.pdfx): Promise<Ads | undefined> {
  const { composition } = built;
  if (!composition.pages.some((p) => p.spaces.some((sp) => sp.ad))) return undefined;
  return (await import('../ads/prepare.js')).prepareAds(composition, level, built.workspace);
}

/** Where the PDF of an issue file goes: its name, in the output folder. */
export function pdfPathOf(issuePath: string, outDir: string): string {
  return join(outDir, `${basename(issuePath, extname(issuePath))}.pdf`);
}

/**
 * The whole pipeline for one issue file, once: parse → check the outputs → build → render →
 * write, into `outDir`, else the workspace's output folder, else `out`.
 */
export function composeFile(issuePath: string, outDir: string | undefined, options: ComposeOptions = {}): Promise<ComposeResult> {
  return composeSession(setArticle, ONCE).compose(issuePath, outDir, options);
}

/** What the last build of a session did with its articles. */
export interface BuildCounts {
  /** Articles set afresh: new, edited, or in boxes of another size. */
  set: number;
  /** Articles whose setting was the one an earlier build made. */
  kept: number;
}

/**
 * A desk's warm process (the preview, `compose --watch`): builds the same issue again and again
 * after edits, keeping what the last build made for what did not change: each article's setting,
 * the issue file's YAML tree, the layouts as read, the prepared pictures, each page's content
 * stream and each run of glyphs drawn (fonts and output
 * profiles are kept for the whole process anyway). Whatever it keeps gives the bytes a cold run gives.
 */
export interface ComposeSession {
  build(issuePath: string, root?: string): Promise<ComposedIssue>;
  /** As composeFile, keeping what the last build made. */
  compose(issuePath: string, outDir: string | undefined, options?: ComposeOptions): Promise<ComposeResult>;
  /** The PDF of an issue this session built, drawing again only the pages its last render did not draw the same. */
  render(built: ComposedIssue, pdfx?: PdfxLevel): Promise<Buffer>;
  /** An issue already parsed (the plan's proposal) into the PDF `pdf`. */
  composeParsed(issue: Issue, pdf: string, options?: ComposeOptions): Promise<ComposeResult>;
  /** The last build's counts; zero before the first. */
  counts(): BuildCounts;
  /** What the last render did with its pages; zero before the first. */
  pageCounts(): PageCounts;
}

/** How long a session keeps what a build made: for the builds after it, or for none (a one-shot run). */
export interface SessionOptions {
  /** Keep each article's setting and each page's drawing for the next build; true unless the session builds once. */
  remember?: boolean;
}

/**
 * A session that builds once: keying every article and keeping every run of glyphs drawn would
 * only cost it (a 96-page issue's articles are 1.2 MB of text to hash).
 */
const ONCE: SessionOptions = { remember: false };

export function composeSession(set: ArticleSetter = setArticle, { remember = true }: SessionOptions = {}): ComposeSession {
  const articles = remember ? rememberedArticles(set) : unrememberedArticles(set);
  const pictures = rememberedPictures();
  const templates = rememberedTemplates();
  const drawn = remember ? new DrawnPages() : undefined;
  // A session that keeps no drawing draws every page.
  let drewAll: PageCounts = { drawn: 0, kept: 0 };
  const render = async (built: ComposedIssue, pdfx?: PdfxLevel) => {
    const bytes = await renderIssue(built, pdfx, drawn);
    if (!drawn) drewAll = { drawn: built.composition.pages.length, kept: 0 };
    return bytes;
  };
  const tree = new KeptTree();
  const build = async (issue: Issue, workspace: Workspace): Promise<ComposedIssue> => {
    const fonts = fontRegistry(workspace.fonts);
    const plan = resolveIssue(issue, workspace, fonts, templates);
    const setting = articles.build();
    const composition = composeIssue(issue, plan, fonts, setting.set);
    const prepared = await pictures.prepare(composition, workspace);
    composition.findings.push(...prepared.findings);
    setting.settle();
    return { issue, plan, composition, pictures: prepared, workspace, fonts };
  };
  // The workspace is read on every build: an edit to banmian.yaml counts from the next.
  const load = (issuePath: string, root: string | undefined) => {
    const workspace = workspaceOf(issuePath, root);
    return { workspace, issue: loadIssue(issuePath, workspace, tree) };
  };
  return {
    build: async (issuePath, root) => {
      const { issue, workspace } = load(issuePath, root);
      return build(issue, workspace);
    },
    compose: async (issuePath, outDir, options = {}) => {
      const { issue, workspace } = load(issuePath, options.root);
      return composeBuilt(issue, workspace, options.pdf ?? pdfPathOf(issuePath, outDir ?? workspace.output ?? DEFAULT_OUT), options);
    },
    render,
    composeParsed: async (issue, pdf, options = {}) => composeBuilt(issue, workspaceOf(issue.file, options.root), pdf, options),
    counts: () => articles.counts(),
    pageCounts: () => drawn?.counts() ?? drewAll,
  };
  async function composeBuilt(issue: Issue, workspace: Workspace, pdf: string, options: ComposeOptions): Promise<ComposeResult> {
    checkOutputs(issue, pdf, options.report);
    const built = await build(issue, workspace);
    const bytes = await render(built, options.pdfx);
    writeAtomically(pdf, bytes);
    return { pdf, issue, composition: built.composition, bytes, workspace };
  }
}

/**
 * Article settings by a key of all that `setArticle` reads: the article as parsed (its text,
 * furniture and positions), its layout's content, its boxes' sizes and its headline sizes. Only
 * the settings the last build used are kept, so memory follows the issue, not its history; a build
 * that fails keeps the previous one's.
 */
export function rememberedArticles(set: ArticleSetter) {
  let kept = new Map<string, ArticleSetting>();
  let counts: BuildCounts = { set: 0, kept: 0 };
  const layouts = new WeakMap<Template, string>();
  const layoutKey = (t: Template) => {
    let key = layouts.get(t);
    if (key === undefined) layouts.set(t, (key = sha256(JSON.stringify(t))));
    return key;
  };
  return {
    /** A setter for one build, and what to call once the build has succeeded. */
    build() {
      const used = new Map<string, ArticleSetting>();
      const building: BuildCounts = { set: 0, kept: 0 };
      const remembering: ArticleSetter = (ctx, a, g, frames, sizes) => {
        const key = sha256(JSON.stringify([layoutKey(ctx.template), ctx.pitch, a, g, frames, sizes]));
        let setting = used.get(key) ?? kept.get(key);
        if (setting) building.kept++;
        else {
          setting = set(ctx, a, g, frames, sizes);
          building.set++;
        }
        used.set(key, setting);
        return setting;
      };
      const settle = () => {
        kept = used;
        counts = building;
      };
      return { set: remembering, settle };
    },
    counts: () => counts,
  };
}

/** Article settings made afresh for every build, as rememberedArticles gives them to a session that builds once. */
function unrememberedArticles(set: ArticleSetter): ReturnType<typeof rememberedArticles> {
  let counts: BuildCounts = { set: 0, kept: 0 };
  return {
    build() {
      const building: BuildCounts = { set: 0, kept: 0 };
      const counted: ArticleSetter = (ctx, a, g, frames, sizes) => {
        building.set++;
        return set(ctx, a, g, frames, sizes);
      };
      return { set: counted, settle: () => void (counts = building) };
    },
    counts: () => counts,
  };
}

/**
 * Layouts as read, kept while the layout file, the 号 sizes and the layout's profile file stand as
 * they stood when it was read: a layout saved over is read again and checked anew. The same
 * template object comes back, so the article keys of its pages are not worked out again either.
 */
function rememberedTemplates(): TemplateLoader {
  const read = new Map<string, { state: string; template: Template }>();
  // The layout file's state is taken before it is read: a save while it is read is seen next time.
  const stateOf = (layout: string, hao: Record<string, number>, profile: string) => JSON.stringify([layout, hao, profile === 'cmyk' ? '' : fileState(profile)]);
  return (layoutsDir, name, hao) => {
    const file = join(layoutsDir, `${name}.yaml`);
    const layout = fileState(file);
    const known = read.get(file);
    if (known && known.state === stateOf(layout, hao, known.template.pictures.profile)) return known.template;
    const template = loadTemplate(layoutsDir, name, hao);
    read.set(file, { state: stateOf(layout, hao, template.pictures.profile), template });
    return template;
  };
}

/**
 * The prepared pictures of the last build, kept while every picture slot asks for the same thing
 * of the same file: sources, crops, slot sizes, positions and picture settings as before, and each
 * file (and profile file) as it stood, by its identity, size and times.
 */
function rememberedPictures() {
  let last: { key: string; frames: PlacedFrame[]; pictures: Pictures } | undefined;
  return {
    async prepare(c: Composition, workspace: Workspace): Promise<Pictures> {
      const slots = c.pages.flatMap((page) => page.frames.filter((f) => f.picture).map((f) => ({ page, frame: f })));
      const key = sha256(
        JSON.stringify(
          slots.map(({ page, frame }) => {
            const settings = page.template.pictures;
            return [page.number, frame.width, frame.height, frame.picture, settings, fileState(frame.picture!.source), settings.profile === 'cmyk' ? '' : fileState(settings.profile)];
          }),
        ),
      );
      const frames = slots.map((s) => s.frame);
      if (last?.key === key) {
        // The same slots in the same order: each new frame takes the picture of the one it replaces.
        const images = new Map<PlacedFrame, PreparedPicture>();
        frames.forEach((f, k) => {
          const image = last!.pictures.images.get(last!.frames[k]);
          if (image) images.set(f, image);
        });
        last = { key, frames, pictures: { images, findings: last.pictures.findings } };
      } else last = { key, frames, pictures: await preparePictures(c, workspace) };
      return last.pictures;
    },
  };
}

/** A file as it stands: changed by any write or by another file put in its place. */
function fileState(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'unreadable';
  }
}


interface RunFile {
  path: string;
  /** Where the file is named: its value in the issue, or the issue file's start. */
  pos: SourcePos;
  /** "the issue file", "story file x.md", "the PDF". */
  noun: string;
}

/** The files of the desk a build of the issue reads: the issue file, its story files and its pictures. */
export function inputPaths(issue: Issue): string[] {
  return inputsOf(issue).map((f) => f.path);
}

/** Everything the run reads from the desk: the issue file, its story files, its pictures and its advertisements. */
function inputsOf(issue: Issue): RunFile[] {
  const start = { file: issue.file, line: 1, column: 1 };
  const inputs: RunFile[] = [{ path: issue.file, pos: start, noun: 'the issue file' }];
  for (const a of issue.pages.flatMap((p) => p.articles)) {
    if (a.story) inputs.push({ path: a.story, pos: a.pos, noun: `story file ${a.story}` });
    for (const p of a.pictures) if (p.source) inputs.push({ path: p.source, pos: p.pos, noun: `picture file ${p.source}` });
  }
  for (const s of issue.pages.flatMap((p) => p.spaces)) if (s.ad) inputs.push({ path: s.ad.file, pos: s.ad.pos, noun: `advertisement ${s.ad.file}` });
  return inputs;
}

/**
 * Refuses, before anything is written, a run whose outputs would land on one of its inputs or on
 * each other: the PDF written over a picture, a report (-r) over the issue file or the PDF.
 */
function checkOutputs(issue: Issue, pdf: string, report: string | undefined): void {
  const start = { file: issue.file, line: 1, column: 1 };
  const outputs: RunFile[] = [{ path: pdf, pos: start, noun: `the PDF ${pdf}` }];
  if (report !== undefined) outputs.push({ path: report, pos: start, noun: `the report ${report} (-r)` });
  const errors: IssueError[] = [];
  outputs.forEach((out, i) => {
    for (const other of [...inputsOf(issue), ...outputs.slice(0, i)]) {
      if (sameFile(out.path, other.path)) errors.push(new IssueError('bad-value', other.pos, `${out.noun} would be written over ${other.noun}; give ${i === 0 ? 'another output folder (-o)' : 'the report another file name'}`));
    }
  });
  if (errors.length) throw new IssueErrors(errors);
}
