// Rewriting an issue file's places (the preview's drag, the plan's --write): the desk's comments,
// order and formatting survive byte for byte, and the file still reads back to the new place.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { PlaceEditError, writeContinuationPlace, writePlaces } from '../src/issue/edit.js';
import { ROOT } from './spawn.js';

const sample = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8');

function articleOf(text: string, id: string): Record<string, unknown> {
  const issue = parse(text) as { pages: { articles: Record<string, unknown>[] }[] };
  const found = issue.pages.flatMap((p) => p.articles).find((a) => a.id === id);
  assert.ok(found, `article ${id} read back`);
  return found;
}

test('a moved box changes only its place line; every comment and other line stays', () => {
  const moved = writePlaces(sample, [{ page: 2, article: 'briefs', place: { column: 2, span: 4, line: 10, lines: 'bottom' } }]);
  const before = sample.split('\n');
  const after = moved.split('\n');
  assert.equal(after.length, before.length);
  const changed = before.flatMap((line, i) => (line === after[i] ? [] : [i]));
  assert.equal(changed.length, 1);
  assert.match(before[changed[0]], /id: briefs|place: \{column: 1, span: 5, line: \{below: robotics-jump\}/);
  assert.deepEqual(articleOf(moved, 'briefs').place, { column: 2, span: 4, line: 10, lines: 'bottom' });
  for (const comment of sample.match(/#.*$/gm) ?? []) assert.ok(moved.includes(comment), `comment kept: ${comment}`);
});

test('an article without a place gets one on the line after its id, at its indent', () => {
  const unplaced = sample.replace('        place: {column: 6, span: 3, line: 1, lines: auto}\n', '');
  assert.equal(articleOf(unplaced, 'state-council').place, undefined);
  const placed = writePlaces(unplaced, [{ page: 2, article: 'state-council', place: { column: 6, span: 3, line: 1, lines: 'auto' } }]);
  assert.equal(placed, sample);
});

test('several edits at once land each at its own article', () => {
  const edits = [
    { page: 2, article: 'roundtable', place: { column: 4, span: 5, line: 1, lines: 'auto' as const } },
    { page: 2, article: 'state-council', place: { column: 1, span: 3, line: 1, lines: 40 } },
  ];
  const moved = writePlaces(sample, edits);
  assert.deepEqual(articleOf(moved, 'roundtable').place, edits[0].place);
  assert.deepEqual(articleOf(moved, 'state-council').place, edits[1].place);
});

test('an edit naming a page or article the file does not have writes nothing', () => {
  assert.throws(() => writePlaces(sample, [{ page: 9, article: 'briefs', place: { column: 1, span: 1, line: 1, lines: 1 } }]), PlaceEditError);
  assert.throws(() => writePlaces(sample, [{ page: 2, article: 'nobody', place: { column: 1, span: 1, line: 1, lines: 1 } }]), /no article "nobody"/);
});

const reserved = { page: 2, place: { column: 1, span: 8, line: 90, lines: 'bottom' as const }, kind: 'reserved' as const };
const spacesOf = (text: string) => (parse(text) as { pages: { spaces?: unknown[] }[] }).pages[0].spaces;

test('a page without spaces gets a list of its own above its articles; no other line changes', () => {
  const written = writePlaces(sample, [], [reserved]);
  assert.deepEqual(spacesOf(written), [{ place: reserved.place, kind: 'reserved' }]);
  const lines = written.split('\n');
  const at = lines.indexOf('    spaces:');
  assert.deepEqual(lines.slice(at, at + 2), ['    spaces:', '      - {place: {column: 1, span: 8, line: 90, lines: bottom}, kind: reserved}']);
  lines.splice(at, 2);
  assert.equal(lines.join('\n'), sample, 'no other line changes');
  assert.match(written, /\n {4}spaces:\n {6}- \{place[^\n]*\n {4}articles:\n/, 'the list stands above the articles, at the page\'s indent');
});

test('a page that declares spaces keeps them and gets the new one at the end of its list, in the list\'s own style', () => {
  const ad = '{place: {column: 1, span: 8, line: 80, lines: 10}, kind: ad, label: 招聘}';
  const block = sample.replace('    articles:\n', `    spaces:\n      - ${ad}   # 广告位\n    articles:\n`);
  const flow = sample.replace('    articles:\n', `    spaces: [${ad}]   # 广告位\n    articles:\n`);
  for (const text of [block, flow]) {
    const written = writePlaces(text, [], [reserved]);
    assert.deepEqual(spacesOf(written), [...spacesOf(text)!, { place: reserved.place, kind: 'reserved' }]);
    assert.equal(written.split('\n').length, text.split('\n').length + (text === block ? 1 : 0));
    assert.ok(written.includes('# 广告位'), 'the comment stays');
  }
});

test('a space added after an item written as a block mapping joins the spaces list, not the articles below it', () => {
  const block = sample.replace('    articles:\n', '    spaces:\n      - place: {column: 1, span: 8, line: 80, lines: 10}\n        kind: ad\n    articles:\n');
  const written = writePlaces(block, [], [reserved]);
  assert.deepEqual(spacesOf(written), [...spacesOf(block)!, { place: reserved.place, kind: 'reserved' }]);
  assert.deepEqual(
    (parse(written) as { pages: { articles: unknown[] }[] }).pages[0].articles,
    (parse(block) as { pages: { articles: unknown[] }[] }).pages[0].articles,
  );
});

test('a place written as a block mapping is replaced by the one-line place, and the key after it keeps its line', () => {
  const flow = '        place: {column: 1, span: 5, line: 1, lines: auto}\n';
  assert.ok(sample.includes(flow), 'the sample no longer places the roundtable as this test expects');
  const block = sample.replace(flow, '        place:\n          column: 1\n          span: 5\n          line: 1\n          lines: auto\n');
  const place = { column: 2, span: 3, line: 5, lines: 20 };
  const moved = writePlaces(block, [{ page: 2, article: 'roundtable', place }]);
  assert.deepEqual(articleOf(moved, 'roundtable'), { ...articleOf(block, 'roundtable'), place });
  assert.equal(moved.split('\n').length, block.split('\n').length - 3, 'the mapping\'s four lines become one');
});

test('places and spaces written at once each land where they belong', () => {
  const written = writePlaces(sample, [{ page: 2, article: 'briefs', place: { column: 2, span: 4, line: 10, lines: 20 } }], [reserved]);
  assert.deepEqual(articleOf(written, 'briefs').place, { column: 2, span: 4, line: 10, lines: 20 });
  assert.equal(spacesOf(written)!.length, 1);
});

const front = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml'), 'utf8');
type Thread = { id: string; continued?: { page: number; place: unknown; headline?: string }[] };
const continuedOf = (text: string, id: string) => (parse(text) as { pages: { articles: Thread[] }[] }).pages.flatMap((p) => p.articles).find((a) => a.id === id)!.continued!;

test("a continuation's place is written into its item of continued; its page, headline and every other byte stay", () => {
  const place = { column: 1, span: 4, line: 1, lines: 29 };
  const moved = writeContinuationPlace(front, { page: 2, article: 'roundtable', part: 1, place });
  const [was] = continuedOf(front, 'roundtable');
  const [now] = continuedOf(moved, 'roundtable');
  assert.deepEqual(now, { ...was, place });
  const before = front.split('\n');
  const after = moved.split('\n');
  assert.equal(after.length, before.length);
  const changed = before.flatMap((line, i) => (line === after[i] ? [] : [i]));
  assert.equal(changed.length, 1);
  assert.equal(after[changed[0]], before[changed[0]].replace('{column: 1, span: 4, line: 1, lines: auto}', '{column: 1, span: 4, line: 1, lines: 29}'));
  assert.deepEqual(continuedOf(moved, 'state-council'), continuedOf(front, 'state-council'), "another article's continuation is left as it was");
});

test('a continuation in block style keeps its layout; its place alone changes', () => {
  const flow = '          - {page: 2, place: {column: 5, span: 2, line: 1, lines: auto}, headline: ';
  const at = front.indexOf(flow);
  assert.ok(at > 0, 'the sample no longer continues state-council as this test expects');
  const block = front.replace(flow, '          - page: 2\n            place: {column: 5, span: 2, line: 1, lines: auto}   # 转版\n            headline: ');
  const moved = writeContinuationPlace(block, { page: 2, article: 'state-council', part: 1, place: { column: 5, span: 2, line: 3, lines: 20 } });
  assert.equal(moved, block.replace('place: {column: 5, span: 2, line: 1, lines: auto}   # 转版', 'place: {column: 5, span: 2, line: 3, lines: 20}   # 转版'));
});

test('a continuation whose place is a block mapping gets the one-line place; its headline keeps its line', () => {
  const flow = '          - {page: 2, place: {column: 5, span: 2, line: 1, lines: auto}, headline: ';
  assert.ok(front.includes(flow), 'the sample no longer continues state-council as this test expects');
  const block = front.replace(flow, '          - page: 2\n            place:\n              column: 5\n              span: 2\n              line: 1\n              lines: auto\n            headline: ');
  const place = { column: 5, span: 2, line: 3, lines: 20 };
  const moved = writeContinuationPlace(block, { page: 2, article: 'state-council', part: 1, place });
  const [before, after] = [continuedOf(block, 'state-council'), continuedOf(moved, 'state-council')];
  assert.deepEqual(after, [{ ...before[0], place }, ...before.slice(1)]);
});

test('a continuation the article does not have, or on another page than the drop, writes nothing', () => {
  const place = { column: 1, span: 1, line: 1, lines: 1 };
  assert.throws(() => writeContinuationPlace(front, { page: 2, article: 'roundtable', part: 2, place }), /no continuation 2/);
  assert.throws(() => writeContinuationPlace(front, { page: 1, article: 'roundtable', part: 1, place }), /stands on page 2, not 1/);
  assert.throws(() => writeContinuationPlace(front, { page: 2, article: 'briefs', part: 1, place }), /no continuation 1/);
  assert.throws(() => writeContinuationPlace(front, { page: 2, article: 'nobody', part: 1, place }), /no article "nobody"/);
});
