import { watch, type FSWatcher } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename, dirname, join, resolve } from 'node:path';
import { IssueError, IssueErrors, formatIssueError } from '../issue/errors.js';
import { buildIssue, fontRegistry, type ComposedIssue } from '../pipeline/compose.js';
import { packageRoot } from '../paths.js';
import { proofPng } from '../proof/png.js';
import { OVERLAYS, type Overlay } from '../proof/svg.js';
import { PAGE_HTML } from './page.js';

export interface ServeOptions {
  host: string;
  port: number;
  /** Resolution of the page images, dpi. */
  dpi: number;
}

export interface Preview {
  url: string;
  /** Resolves after the first build; later builds follow edits. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The desk's live preview: composes the issue, serves its pages as images with the report beside
 * them, and composes again whenever the issue file, a layout or a picture changes. A half-edited
 * file shows its error at its position while the last good pages stay up. It serves nothing but
 * its own routes: no file of the machine is reachable through it.
 */
export function startPreview(issuePath: string, options: ServeOptions): Promise<Preview> {
  const file = resolve(issuePath);
  let good: ComposedIssue | null = null;
  let errors: string[] = [];
  let version = 0;
  const images = new Map<string, Promise<Buffer>>();
  const listeners = new Set<ServerResponse>();
  let building = Promise.resolve();
  let watchers: FSWatcher[] = [];

  const rebuild = () => {
    building = building.then(async () => {
      try {
        good = await buildIssue(file);
        errors = [];
        images.clear();
      } catch (e) {
        if (e instanceof IssueErrors || e instanceof IssueError) errors = formatIssueError(e).split('\n');
        else errors = [`internal error: ${e instanceof Error ? e.message : String(e)}`];
      }
      version++;
      rewatch();
      for (const res of listeners) res.write(`data: ${version}\n\n`);
    });
    return building;
  };

  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    // Editors save in several steps (write, rename): one rebuild for the lot.
    timer = setTimeout(() => void rebuild(), 120);
  };
  const rewatch = () => {
    for (const w of watchers) w.close();
    const folders = new Map<string, Set<string>>();
    const add = (path: string) => {
      const names = folders.get(dirname(path)) ?? new Set<string>();
      names.add(basename(path));
      folders.set(dirname(path), names);
    };
    add(file);
    for (const p of good?.composition.pages ?? []) for (const f of p.frames) if (f.picture) add(f.picture.source);
    for (const pg of good?.issue.pages ?? []) for (const a of pg.articles) if (a.story) add(a.story);
    const layouts = join(packageRoot(), 'layouts');
    watchers = [...folders].flatMap(([folder, names]) => {
      try {
        return [watch(folder, (_event, name) => name && names.has(name.toString()) && changed())];
      } catch {
        return [];
      }
    });
    watchers.push(watch(layouts, changed));
  };

  const state = () => ({
    version,
    file: issuePath,
    errors,
    pages: good?.composition.pages.map((p) => ({ number: p.number, name: p.name })) ?? [],
    articles: good?.composition.articles ?? [],
    findings: good?.composition.findings ?? [],
  });

  const page = (number: number, overlays: Overlay[]) => {
    const composed = good;
    const target = composed?.composition.pages.find((p) => p.number === number);
    if (!composed || !target) return null;
    const key = `${version}:${number}:${overlays.join(',')}`;
    let png = images.get(key);
    if (!png) {
      png = proofPng(target, fontRegistry(), composed.pictures.images, composed.composition.findings, new Set(overlays), options.dpi);
      images.set(key, png);
    }
    return png;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://preview');
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE_HTML);
    } else if (url.pathname === '/state.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(state()));
    } else if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`data: ${version}\n\n`);
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
    } else {
      const m = url.pathname.match(/^\/page\/(\d{1,4})\.png$/);
      const overlays = (url.searchParams.get('overlay') ?? '').split(',').filter((o): o is Overlay => OVERLAYS.includes(o as Overlay));
      const png = m ? page(Number(m[1]), overlays) : null;
      if (!png) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      const bytes = await png;
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(bytes);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    });
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      done({
        url: `http://${host}:${port}/`,
        ready: rebuild(),
        close: async () => {
          clearTimeout(timer);
          for (const w of watchers) w.close();
          for (const res of listeners) res.end();
          await new Promise<void>((r) => server.close(() => r()));
        },
      });
    });
  });
}
