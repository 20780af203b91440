// 字格 for digits: body text sets European digits in the font's half-width forms (hwid) when its
// style asks for them (`digits: half`), so a run of digits advances by whole half-ems and the Han
// characters after it stay on the character grid. Read back from the sample's PDF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { composeFile } from '../src/pipeline/compose.js';
import { readPdf } from './readback.js';
import { ROOT } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');

test('body digits are half an em each, so the Han after a run of them lands back on the character grid', async () => {
  const layout = parse(readFileSync(join(ROOT, 'layouts', 'broadsheet.yaml'), 'utf8')) as { styles: Record<string, { digits?: string }> };
  for (const style of ['body', 'brief', 'table', 'bullet']) assert.equal(layout.styles[style].digits, 'half', `the broadsheet asks for half-width digits in ${style}`);
  const { pdf, composition } = await composeFile(SAMPLE, mkdtempSync(join(tmpdir(), 'banmian-digits-')));
  const page = composition.pages[0];
  const em = page.geometry.bodySize;
  const lines = readPdf(readFileSync(pdf))[0].lines.filter((l) => l.size === em);
  // 今年1—11月全区实现规模以上工业产值2414亿元: the sample's own figures.
  const withDigits = lines.filter((l) => /[0-9]{3,}/.test(l.text));
  assert.ok(withDigits.length > 10, `${withDigits.length} body lines with runs of digits`);
  let runs = 0;
  for (const l of withDigits) {
    const chars = l.chars;
    for (let i = 0; i < chars.length; i++) {
      // The running text of every style that asks for it, where its face has half-width digits (宋 and 黑 do).
      if (!/[0-9]/.test(chars[i].ch) || !/Serif|Sans/.test(chars[i].font)) continue;
      assert.ok(Math.abs(chars[i].x1 - chars[i].x0 - em / 2) < 0.01, `"${chars[i].ch}" in “${l.text}” is ${(chars[i].x1 - chars[i].x0).toFixed(2)} pt wide, not half an em`);
      // A run of an even number of digits between Han characters takes whole ems.
      if (i > 0 && /[\u4e00-\u9fff]/.test(chars[i - 1].ch) && (i === 0 || !/[0-9]/.test(chars[i - 1].ch))) {
        let j = i;
        while (j < chars.length && /[0-9]/.test(chars[j].ch)) j++;
        if (j < chars.length && /[\u4e00-\u9fff]/.test(chars[j].ch) && (j - i) % 2 === 0) {
          runs++;
          assert.ok(Math.abs(chars[j].x0 - chars[i].x0 - ((j - i) / 2) * em) < 0.05, `the Han after “${l.text.slice(0, 12)}…”'s ${j - i} digits is off the grid`);
        }
      }
    }
  }
  assert.ok(runs > 3, `${runs} even runs of digits checked between Han characters`);
});
