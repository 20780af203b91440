// The preview as the desk sees it: from a save until the browser shows the changed page, in
// Debian's Chromium driven by playwright-core.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM, launchChromium } from '../test/browser.js';
import { startPreview } from '../src/serve/server.js';

export { CHROMIUM };
/** Far above any build: a save that is never drawn ends the bench instead of holding it. */
const WAIT_MS = 60_000;

/** How the view shows a page, in the order they come after a save (the preview's `data-drawn`). */
const STAGES = ['image', 'canvas', 'text'] as const;

/**
 * Per save, ms from the write: the composition's quick image of the new build on the sheet, the
 * page drawn by pdf.js on its canvas, and with its text layer filled in. A save whose quick image
 * the view never showed (pdf.js drew first) is counted in `imageMissed`, not timed as one.
 */
export interface SaveToDrawn {
  image: number[];
  imageMissed: number;
  canvas: number[];
  text: number[];
}

/**
 * `runs` saves of `sample` as `saved` edits it at each run (an edit its first page shows), each
 * timed from the write until the page shown carries the new build's version, at each stage of its
 * drawing. Undefined when Chromium is not installed.
 */
export async function previewSaveToDrawn(work: string, sample: string, saved: (run: number) => string, runs: number): Promise<SaveToDrawn | undefined> {
  if (!existsSync(CHROMIUM)) return undefined;
  const file = join(work, 'preview-browser.yaml');
  writeFileSync(file, sample);
  const preview = await startPreview(file, { host: '127.0.0.1', port: 0, dpi: 60 });
  const browser = await launchChromium();
  try {
    await preview.ready;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Drawn at least as far as `stage`: each later stage counts as the earlier ones done. A quick
    // image names its version apart (data-proof): the view's version is the one pdf.js drew.
    const drawnAfter = (version: number, stage: (typeof STAGES)[number]) =>
      page.waitForFunction(
        ([v, from, stages]) => {
          const view = document.getElementById('view')!;
          const drawn = Number(view.dataset.drawn === 'image' ? view.dataset.proof : view.dataset.version);
          return drawn > v && stages.indexOf(view.dataset.drawn as (typeof STAGES)[number]) >= stages.indexOf(from);
        },
        [version, stage, STAGES] as const,
        { timeout: WAIT_MS, polling: 'raf' },
      );
    await page.goto(preview.url);
    await drawnAfter(0, 'text');
    const times: SaveToDrawn = { image: [], imageMissed: 0, canvas: [], text: [] };
    for (let i = 0; i < runs; i++) {
      const version = Number(await page.getAttribute('#view', 'data-version'));
      const t = performance.now();
      writeFileSync(file, saved(i));
      await drawnAfter(version, 'image');
      const shown = performance.now() - t;
      if ((await page.getAttribute('#view', 'data-drawn')) === 'image') times.image.push(shown);
      else times.imageMissed++;
      await drawnAfter(version, 'canvas');
      times.canvas.push(performance.now() - t);
      await drawnAfter(version, 'text');
      times.text.push(performance.now() - t);
    }
    return times;
  } finally {
    await browser.close();
    await preview.close();
  }
}
