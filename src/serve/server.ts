import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { IssueError, IssueErrors, formatIssueError } from '../issue/errors.js';
import { composeSession, pageLook, type ComposedIssue } from '../pipeline/compose.js';
import { inTurn, watchIssue } from '../pipeline/watch.js';
import { proofPng } from '../proof/png.js';
import { changedArea, pageArea, PageRaster, type PixelArea } from '../proof/raster.js';
import { OVERLAYS, type Overlay } from '../proof/svg.js';
import { PREVIEW_SCRIPT } from './client.js';
import { dropPlace, placeEditOf } from './drop.js';
import { overlayLayer, type LayerPage } from './layer.js';
import { PAGE_HTML } from './page.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** Resolution of the page images, dpi. */
  dpi: number;
  /** Where each build's outcome is told, one line at a time (the terminal). */
  log?: (line: string) => void;
}

/** The preview could not listen where it was asked to: the desk's to mend (another port, another address). */
export class ListenError extends Error {}

/** Page images kept at once: every page of a long issue with a few overlay sets, not every request ever made. */
const IMAGE_CACHE = 64;

/**
 * Changed pages a build draws a quick image of before its PDF: an edit reaches a page or two; a
 * build that changes more (a layout saved) waits for its PDF rather than hold it back.
 */
const PROOF_PAGES = 4;

/** A changed part larger than this share of the page is drawn as the whole page: it costs about the same. */
const PART_OF_PAGE = 0.5;

/**
 * A page's quick image as the browser is told of it: its look, the part of the page's pixels it
 * covers (the whole page, or the part changed since the good build `since`), and the page's size
 * in those pixels.
 */
interface ProofTold {
  look: string;
  since: number;
  area: PixelArea;
  width: number;
  height: number;
}

/** The most a drop's request may carry: a page, an article id and four numbers. */
const MAX_DROP_BYTES = 4096;

/** pdf.js as its package ships it, read once: the browser draws the PDF with it. */
const PDFJS_FILES: Record<string, { module: string; type: string }> = {
  '/pdfjs/pdf.mjs': { module: 'pdfjs-dist/build/pdf.mjs', type: 'text/javascript' },
  '/pdfjs/pdf.worker.mjs': { module: 'pdfjs-dist/build/pdf.worker.mjs', type: 'text/javascript' },
  '/pdfjs/pdf_viewer.css': { module: 'pdfjs-dist/web/pdf_viewer.css', type: 'text/css' },
};
const pdfjsRead = new Map<string, Buffer>();
function pdfjsFile(path: string): Buffer {
  let bytes = pdfjsRead.get(path);
  if (!bytes) pdfjsRead.set(path, (bytes = readFileSync(createRequire(import.meta.url).resolve(PDFJS_FILES[path].module))));
  return bytes;
}

export interface Preview {
  url: string;
  /** Resolves after the first build; later builds follow edits. */
  ready: Promise<void>;
  /** Page images held for the next request: bounded whatever the requests ask for. */
  cachedImages(): number;
  close(): Promise<void>;
}

/**
 * The desk's live preview: composes the issue, serves its PDF (the bytes `compose` writes) for
 * pdf.js to draw, with the overlay layer and the report beside it, and composes again whenever
 * the issue file, a layout or a picture changes. A box dropped on the grid is written into the
 * issue file as its new place. A half-edited file shows its error at its position while the last
 * good pages stay up. It serves nothing but its own routes: no file of the machine is reachable
 * through it.
 */
export function startPreview(issuePath: string, options: ServeOptions): Promise<Preview> {
  const file = resolve(issuePath);
  let good: ComposedIssue | null = null;
  let pdf: Buffer | null = null;
  let layer: LayerPage[] = [];
  let errors: string[] = [];
  let ms = 0;
  let version = 0;
  const images = new Map<string, Promise<Buffer>>();
  const listeners = new Set<ServerResponse>();
  // The port actually listened on (port 0 picks one): a Host header must name it.
  let port = options.port;

  const session = composeSession();
  // What each page of the last good build looks like: an image is drawn again only when its page changed.
  let looks = new Map<number, string>();
  const raster = new PageRaster(options.dpi);
  // The quick images of the last build's changed pages, by look.
  let proofs = new Map<string, Promise<Buffer>>();
  let goodVersion = 0;

  /**
   * The changed pages drawn quickly from the composition, and the browser told which images stand
   * for the version about to come: it shows them while the PDF is rendered and drawn. Where a page
   * changed in a part only, the image is that part, to lay over the page of the last good build
   * (`since`); a part that is most of the page is the whole page.
   */
  const showProofs = async (built: ComposedIssue, next: ReadonlyMap<number, string>) => {
    // The last build's images stand for looks no page has any more.
    proofs = new Map();
    const changed = built.composition.pages.filter((p) => next.get(p.number) !== looks.get(p.number));
    if (changed.length === 0 || changed.length > PROOF_PAGES) return;
    const told: Record<number, ProofTold> = {};
    for (const p of changed) {
      const look = next.get(p.number)!;
      const whole = pageArea(p, options.dpi);
      const before = good?.composition.pages.find((q) => q.number === p.number);
      const part = before ? changedArea(before, p, options.dpi) : whole;
      // Drawn as the last good build drew it: the look changed where nothing shows (a finding).
      if (!part) continue;
      const area = (part.right - part.left) * (part.bottom - part.top) > PART_OF_PAGE * whole.right * whole.bottom ? whole : part;
      proofs.set(look, raster.png(p, built.fonts, built.pictures.images, area));
      told[p.number] = { look, since: goodVersion, area, width: whole.right, height: whole.bottom };
    }
    try {
      await Promise.all(proofs.values());
    } catch {
      // A quick image that fails leaves the desk to the PDF's drawing.
      proofs = new Map();
      return;
    }
    for (const res of listeners) res.write(`event: proof\ndata: ${JSON.stringify({ version: version + 1, looks: told })}\n\n`);
    // A response's write goes out once the event loop turns: the render would hold it back till the PDF is done.
    await new Promise((turned) => setImmediate(turned));
  };

  const rebuild = inTurn(async () => {
    const start = performance.now();
    const first = good === null;
    try {
      const built = await session.build(file);
      const next = new Map(built.composition.pages.map((p) => [p.number, pageLook(p, built)]));
      if (!first) await showProofs(built, next);
      pdf = await session.render(built);
      good = built;
      layer = overlayLayer(built);
      errors = [];
      looks = next;
    } catch (e) {
      if (e instanceof IssueErrors || e instanceof IssueError) errors = formatIssueError(e).split('\n');
      else errors = [`internal error: ${e instanceof Error ? e.message : String(e)}`];
    }
    ms = performance.now() - start;
    version++;
    if (!errors.length) goodVersion = version;
    watching.follow(good?.issue ?? null);
    for (const res of listeners) res.write(`data: ${version}\n\n`);
    // Told once the watchers stand: an edit made on reading the line is seen.
    for (const line of outcome(version, errors, good, ms)) options.log?.(line);
    // The page shown first drawn once, unseen, after the first build: the outlines it reads and the
    // masks it makes are ready when the desk's first save comes, instead of making it wait.
    const shown = first ? good : null;
    const warm = shown?.composition.pages[0];
    if (shown && warm) setImmediate(() => raster.pixels(warm, shown.fonts, shown.pictures.images).catch(() => undefined));
  });
  const watching = watchIssue(file, () => void rebuild());

  const state = () => ({
    version,
    file: issuePath,
    errors,
    pages: good?.composition.pages.map((p) => ({ number: p.number, name: p.name, look: looks.get(p.number) })) ?? [],
    layer,
    articles: good?.composition.articles ?? [],
    findings: good?.composition.findings ?? [],
  });

  const page = (number: number, overlays: Overlay[]) => {
    const composed = good;
    const target = composed?.composition.pages.find((p) => p.number === number);
    if (!composed || !target) return null;
    // Keyed by the page's look, not the build: a page an edit left alone keeps its image.
    const key = `${looks.get(number)}:${overlays.join(',')}`;
    let png = images.get(key);
    if (png) {
      images.delete(key);
    } else {
      png = proofPng(target, composed.fonts, composed.pictures.images, composed.composition.findings, new Set(overlays), options.dpi);
      png.catch(() => images.get(key) === png && images.delete(key));
    }
    images.set(key, png);
    for (const oldest of images.keys()) {
      if (images.size <= IMAGE_CACHE) break;
      images.delete(oldest);
    }
    return png;
  };

  const allowed = allowedHosts(options.host);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://preview');
    // A page on another site whose name is made to resolve here (DNS rebinding) sends its own name.
    if (!hostAllowed(req.headers.host, allowed, port)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end(`this preview answers to ${[...allowed].join(', ')} only\n`);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/place') {
      await drop(req, res);
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: url.pathname === '/place' ? 'POST' : 'GET' }).end();
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE_HTML);
    } else if (url.pathname === '/preview.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(PREVIEW_SCRIPT);
    } else if (Object.hasOwn(PDFJS_FILES, url.pathname)) {
      res.writeHead(200, { 'content-type': `${PDFJS_FILES[url.pathname].type}; charset=utf-8` }).end(pdfjsFile(url.pathname));
    } else if (url.pathname === '/issue.pdf' && pdf) {
      res.writeHead(200, { 'content-type': 'application/pdf', 'cache-control': 'no-store' }).end(pdf);
    } else if (url.pathname === '/state.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(state()));
    } else if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`data: ${version}\n\n`);
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
    } else if (/^\/quick\/[0-9a-f]{16}\.png$/.test(url.pathname)) {
      const look = url.pathname.slice('/quick/'.length, -'.png'.length);
      const png = proofs.get(look);
      if (!png) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(await png);
    } else {
      const m = url.pathname.match(/^\/page\/(\d{1,4})\.png$/);
      // Known overlays only, each once and in one order: a request names one of sixteen sets.
      const asked = new Set((url.searchParams.get('overlay') ?? '').split(','));
      const overlays = OVERLAYS.filter((o) => asked.has(o));
      const png = m ? page(Number(m[1]), overlays) : null;
      if (!png) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      const bytes = await png;
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(bytes);
    }
  };

  /**
   * A box dropped on the grid. Only the preview's own page may ask: a page of another site can
   * post to the loopback under the right Host, but its browser names its own Origin and cannot
   * send JSON without asking first, which nothing here answers.
   */
  const drop = async (req: IncomingMessage, res: ServerResponse) => {
    const answer = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    if (req.headers.origin !== `http://${req.headers.host}` || !/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      answer(403, { refused: 'only the preview page may move boxes' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_DROP_BYTES) {
        answer(413, { refused: 'the request is too large for a place' });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      answer(400, { refused: 'the request is not JSON' });
      return;
    }
    const edit = placeEditOf(body);
    if (typeof edit === 'string') {
      answer(400, { refused: edit });
      return;
    }
    const outcome = dropPlace(file, edit, layer);
    answer('written' in outcome ? 200 : 409, outcome);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    });
  });
  return new Promise((done, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(listenError(e, options)));
    server.listen(options.port, options.host, () => {
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : options.port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      done({
        url: `http://${host}:${port}/`,
        ready: rebuild(),
        cachedImages: () => images.size,
        close: async () => {
          watching.close();
          for (const res of listeners) res.end();
          await new Promise<void>((r) => server.close(() => r()));
        },
      });
    });
  });
}

/** One line per build for the terminal: what was composed and how long it took, or where the file is wrong. */
function outcome(version: number, errors: string[], good: ComposedIssue | null, ms: number): string[] {
  if (errors.length) return [`version ${version}: not composed, showing the last good pages`, ...errors.map((e) => `  ${e}`)];
  const c = good!.composition;
  const set = c.articles.reduce((n, a) => n + a.charactersSet, 0);
  const over = c.articles.reduce((n, a) => n + a.oversetCharacters, 0);
  const holes = c.pages.reduce((n, p) => n + p.holes.length, 0);
  const blocking = c.findings.filter((f) => f.blocking).length;
  return [`version ${version}: ${c.pages.length} page(s), ${c.articles.length} articles, ${set} characters set, ${over} overset, ${holes} hole(s), ${blocking} blocking finding(s), ${Math.round(ms)} ms`];
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
const WILDCARD = ['0.0.0.0', '::'];

/**
 * The names the preview answers to: the loopback's and the address it listens on; listening on
 * every interface, the machine's own addresses and name as well.
 */
function allowedHosts(bound: string): Set<string> {
  const names = new Set([...LOOPBACK, bound.toLowerCase()]);
  if (WILDCARD.includes(bound)) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(i.address.toLowerCase());
  }
  for (const w of WILDCARD) names.delete(w);
  return names;
}

function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>, port: number): boolean {
  if (!header) return false;
  let url: URL;
  try {
    url = new URL(`http://${header}`);
  } catch {
    return false;
  }
  const name = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return allowed.has(name) && (url.port === '' || Number(url.port) === port) && url.pathname === '/' && !url.username;
}

function listenError(e: NodeJS.ErrnoException, options: ServeOptions): Error {
  const where = `${options.host} port ${options.port}`;
  if (e.code === 'EADDRINUSE') return new ListenError(`${where} is in use (another preview?); stop it or give another --port (0 takes any free one)`);
  if (e.code === 'EACCES') return new ListenError(`${where} may not be used by this user; give a --port above 1023`);
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return new ListenError(`${options.host} is not an address of this machine; give --host 127.0.0.1 or one of its own`);
  return e;
}
