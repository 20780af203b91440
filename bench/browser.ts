// The preview as the desk sees it: from a save until the browser has drawn the changed page with
// pdf.js (canvas and text layer), in Debian's Chromium driven by playwright-core.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, launchChromium } from '../test/browser.js';
import { startPreview } from '../src/serve/server.js';
import { editRound, type Edit } from './text.js';

export { CHROMIUM };
/** Far above any build: a save that is never drawn ends the bench instead of holding it. */
const WAIT_MS = 60_000;

/**
 * `runs` saves of `edit` to `sample` (an issue whose first page the edit reaches), each timed
 * from the write until the page shown carries the new build's version and its text layer: what
 * the desk waits for. Undefined when Chromium is not installed.
 */
export async function previewSaveToDrawn(work: string, sample: string, edit: Edit, runs: number): Promise<number[] | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const file = join(work, 'preview-browser.yaml');
  writeFileSync(file, sample);
  const preview = await startPreview(file, { host: '127.0.0.1', port: 0, dpi: 60 });
  const browser = await launchChromium();
  try {
    await preview.ready;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const drawnAfter = (version: number) =>
      page.waitForFunction(
        (v) => {
          const view = document.getElementById('view')!;
          return Number(view.dataset.version) > v && view.querySelector('.textLayer span') !== null;
        },
        version,
        { timeout: WAIT_MS, polling: 'raf' },
      );
    await page.goto(preview.url);
    await drawnAfter(0);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const version = Number(await page.getAttribute('#view', 'data-version'));
      const t = performance.now();
      writeFileSync(file, editRound(sample, edit, i));
      await drawnAfter(version);
      times.push(performance.now() - t);
    }
    return times;
  } finally {
    await browser.close();
    await preview.close();
  }
}
