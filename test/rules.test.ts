// The rules between articles as one network: read back from the PDF, every separator ends on
// another rule or at the edge of the type area, with no gap at a junction and nothing sticking out
// past the rule it meets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeFile } from '../src/pipeline/compose.js';
import { readPdf } from './readback.js';
import { ROOT } from './spawn.js';

type Bounds = [number, number, number, number];
const TOUCH = 0.05;

for (const name of ['cqrb-2024-12-25', 'cqrb-2024-12-25-front']) {
  test(`${name}: every separator ends on another rule or at the type area's edge, junctions closed`, async () => {
    const { pdf, composition } = await composeFile(join(ROOT, 'issues', `${name}.yaml`), mkdtempSync(join(tmpdir(), 'banmian-rules-')));
    const read = readPdf(readFileSync(pdf));
    composition.pages.forEach((page, i) => {
      const g = page.geometry;
      const area: Bounds = [g.typeLeft, g.typeTop, g.typeLeft + g.typeWidth, g.typeTop + g.typeHeight];
      // Separators and the masthead's rules: the page's strokes inside the type area and outside every article box.
      const inBox = (s: Bounds) => page.boxes.some((b) => s[0] >= b.x - 0.5 && s[2] <= b.x + b.width + 0.5 && s[1] >= b.y - 0.5 && s[3] <= b.y + b.height + 0.5);
      const rules = read[i].strokes.filter((s) => !inBox(s) && s[1] >= area[1] - 0.5);
      if (page.boxes.length > 1) assert.ok(rules.length > 0, `page ${page.number}: its ${page.boxes.length} boxes are ruled off`);
      const horizontal = (s: Bounds) => s[2] - s[0] > s[3] - s[1];
      const touches = (x: number, y: number, r: Bounds) => x >= r[0] - TOUCH && x <= r[2] + TOUCH && y >= r[1] - TOUCH && y <= r[3] + TOUCH;
      const onEdge = (x: number, y: number) => Math.abs(x - area[0]) < 0.1 || Math.abs(x - area[2]) < 0.1 || Math.abs(y - area[1]) < 0.1 || Math.abs(y - area[3]) < 0.1;
      for (const r of rules) {
        const mid = horizontal(r) ? (r[1] + r[3]) / 2 : (r[0] + r[2]) / 2;
        // mupdf's bounds take in half the rule's width past either end as well as across it.
        const half = (horizontal(r) ? r[3] - r[1] : r[2] - r[0]) / 2;
        // Each end with the way it points: -1 towards the top or left, +1 towards the bottom or right.
        const ends: [number, number, number][] = horizontal(r) ? [[r[0] + half, mid, -1], [r[2] - half, mid, 1]] : [[mid, r[1] + half, -1], [mid, r[3] - half, 1]];
        for (const [x, y, way] of ends) {
          const meeting = rules.filter((o) => o !== r && horizontal(o) !== horizontal(r) && touches(x, y, o));
          assert.ok(meeting.length > 0 || onEdge(x, y), `page ${page.number}: a rule end at (${x.toFixed(1)}, ${y.toFixed(1)}) meets no other rule and no edge`);
          // It reaches the far side of the rule it meets and no further: the corner closes, nothing overshoots.
          for (const o of meeting) {
            const far = horizontal(r) ? (way < 0 ? o[0] : o[2]) : way < 0 ? o[1] : o[3];
            const end = horizontal(r) ? x : y;
            assert.ok(Math.abs(end - far) < 0.1, `page ${page.number}: a rule end at (${x.toFixed(1)}, ${y.toFixed(1)}) stops ${(end - far).toFixed(2)} pt from the far side of the rule it meets`);
          }
        }
      }
    });
  });
}
