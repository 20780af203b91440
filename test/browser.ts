// The preview in a real browser, for the tests and the bench: an issue served from a folder of its
// own (with its own picture cache), and Debian's Chromium driven by playwright-core.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startPreview, type Preview } from '../src/serve/server.js';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it); without it the browser checks are skipped. */
export const CHROMIUM = '/usr/bin/chromium';
export const NO_CHROMIUM = 'Debian chromium is not installed (apt-get install chromium; .ci/run does)';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface Served {
  dir: string;
  file: string;
  preview: Preview;
}

/** `text` written as issue.yaml into a new folder named from `prefix`, and the preview started on it. */
export async function serveIssue(prefix: string, text: string): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.env.BANMIAN_CACHE = join(dir, 'cache');
  const file = join(dir, 'issue.yaml');
  writeFileSync(file, text);
  const preview = await startPreview(file, { host: '127.0.0.1', port: 0, dpi: 24 });
  await preview.ready;
  return { dir, file, preview };
}

export async function closeServed(served: Served, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await served.preview.close();
  rmSync(served.dir, { recursive: true, force: true });
}
