// The warm process: a session that recomposes after an edit must write the bytes a cold run of
// the edited file writes, and must not set again an article the edit did not reach.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setArticle, type ArticleSetter } from '../src/page/article.js';
import { composeFile, composeSession } from '../src/pipeline/compose.js';
import { composeOnSave, type SaveOutcome } from '../src/pipeline/watch.js';
import { startPreview } from '../src/serve/server.js';
import { ROOT } from './spawn.js';

const SAMPLE = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8');
const FRONT = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'banmian-warm-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A session whose setter notes the id of every article it really sets. */
function countingSession() {
  const setIds: string[] = [];
  const counting: ArticleSetter = (ctx, a, g, frames, sizes) => {
    setIds.push(a.id);
    return setArticle(ctx, a, g, frames, sizes);
  };
  return { session: composeSession(counting), setIds };
}

/** The edited issue composed warm (after `before` in the same session) and cold, both PDFs' bytes. */
async function warmAndCold(name: string, before: string, edited: string) {
  const file = join(dir, `${name}.yaml`);
  const { session, setIds } = countingSession();
  writeFileSync(file, before);
  await session.compose(file, join(dir, `${name}-warm`));
  setIds.length = 0;
  writeFileSync(file, edited);
  const warm = readFileSync((await session.compose(file, join(dir, `${name}-warm`))).pdf);
  const cold = readFileSync((await composeFile(file, join(dir, `${name}-cold`))).pdf);
  return { warm, cold, setIds: [...setIds], counts: session.counts() };
}

test('an edit to one article\'s text sets that article alone, and the PDF is the cold run\'s', async () => {
  const edited = SAMPLE.replace('12月24日，中央广播电视总台', '12月23日，中央广播电视总台');
  assert.notEqual(edited, SAMPLE);
  const { warm, cold, setIds, counts } = await warmAndCold('one-article', SAMPLE, edited);
  assert.deepEqual(setIds, ['spring-gala']);
  assert.deepEqual(counts, { set: 1, kept: 6 });
  assert.ok(warm.equals(cold), 'the warm PDF differs from the cold one');
});

test('an article that grows moves the boxes under it: those are set again, the rest kept', async () => {
  const paragraph = SAMPLE.match(/\n( +- 作为春节申遗成功后的首届总台春晚[^\n]*)/)![1];
  const edited = SAMPLE.replace(paragraph, `${paragraph}\n${paragraph}`);
  const { warm, cold, setIds } = await warmAndCold('grown', SAMPLE, edited);
  assert.ok(setIds.includes('spring-gala'));
  for (const id of ['roundtable', 'robotics-jump', 'briefs', 'state-council']) assert.ok(!setIds.includes(id), `${id} was set again`);
  assert.ok(warm.equals(cold), 'the warm PDF differs from the cold one');
});

test('an edit on one page of a threaded two-page issue gives the cold run\'s bytes', async () => {
  const edited = FRONT.replace('12月24日，中央广播电视总台', '12月23日，中央广播电视总台');
  assert.notEqual(edited, FRONT);
  const { warm, cold, setIds } = await warmAndCold('front', FRONT, edited);
  assert.deepEqual(setIds, ['spring-gala']);
  assert.ok(warm.equals(cold), 'the warm PDF differs from the cold one');
});

test('a picture saved over is prepared again: the PDF is the cold run\'s with the new picture', async () => {
  const picture = join(dir, 'storm.jpg');
  copyFileSync('/usr/share/backgrounds/mate/nature/Storm.jpg', picture);
  const issue = SAMPLE.replace('source: /usr/share/backgrounds/mate/nature/Storm.jpg', 'source: storm.jpg');
  assert.notEqual(issue, SAMPLE);
  const file = join(dir, 'picture.yaml');
  writeFileSync(file, issue);
  const { session } = countingSession();
  const first = readFileSync((await session.compose(file, join(dir, 'picture-warm'))).pdf);
  copyFileSync('/usr/share/backgrounds/mate/nature/Garden.jpg', picture);
  const warm = readFileSync((await session.compose(file, join(dir, 'picture-warm'))).pdf);
  const cold = readFileSync((await composeFile(file, join(dir, 'picture-cold'))).pdf);
  assert.deepEqual(session.counts(), { set: 0, kept: 7 });
  assert.ok(!warm.equals(first), 'the new picture is not in the PDF');
  assert.ok(warm.equals(cold), 'the warm PDF differs from the cold one');
});

test('a half-edited file in between keeps what the last good build set', async () => {
  const file = join(dir, 'broken.yaml');
  const { session, setIds } = countingSession();
  writeFileSync(file, SAMPLE);
  await session.build(file);
  setIds.length = 0;
  // One refused as it is read, one after its articles are set (its picture is not there).
  for (const broken of [SAMPLE.replace('format: 1', 'format: x'), SAMPLE.replace('nature/Storm.jpg', 'nature/Gone.jpg')]) {
    assert.notEqual(broken, SAMPLE);
    writeFileSync(file, broken);
    await assert.rejects(session.build(file));
  }
  setIds.length = 0;
  writeFileSync(file, SAMPLE);
  await session.build(file);
  assert.deepEqual(setIds, []);
  assert.deepEqual(session.counts(), { set: 0, kept: 7 });
});

test('compose --watch writes the PDF again after a save and tells each result once', async () => {
  const file = join(dir, 'watched.yaml');
  const out = join(dir, 'watched-out');
  writeFileSync(file, SAMPLE);
  const outcomes: SaveOutcome[] = [];
  let next: (() => void) | undefined;
  const watching = composeOnSave(file, out, {}, (o) => {
    outcomes.push(o);
    next?.();
  });
  try {
    await watching.ready;
    assert.ok('result' in outcomes[0]);
    const second = new Promise<void>((resolve) => (next = resolve));
    const edited = SAMPLE.replace('12月24日，中央广播电视总台', '12月23日，中央广播电视总台');
    writeFileSync(file, edited);
    await second;
    const told = outcomes[1];
    assert.ok('result' in told, 'the edit was not composed');
    assert.deepEqual(told.counts, { set: 1, kept: 6 });
    const cold = readFileSync((await composeFile(file, join(dir, 'watched-cold'))).pdf);
    assert.ok(readFileSync(told.result.pdf).equals(cold), 'the watched PDF differs from a cold one');
  } finally {
    watching.close();
  }
});

test('the preview tells a page an edit did not reach by its unchanged look, so its image is kept', async () => {
  const file = join(dir, 'previewed.yaml');
  writeFileSync(file, FRONT);
  const preview = await startPreview(file, { host: '127.0.0.1', port: 0, dpi: 10 });
  type State = { version: number; pages: { number: number; look: string }[] };
  const state = async () => (await (await fetch(`${preview.url}state.json`)).json()) as State;
  try {
    await preview.ready;
    const before = await state();
    assert.equal(before.pages.length, 2);
    writeFileSync(file, FRONT.replace('12月24日，中央广播电视总台', '12月23日，中央广播电视总台'));
    let after = await state();
    while (after.version === before.version) {
      await new Promise((r) => setTimeout(r, 50));
      after = await state();
    }
    const looks = (s: State) => new Map(s.pages.map((p) => [p.number, p.look]));
    // spring-gala stands on page 2 of the front issue: page 1 keeps its look.
    assert.equal(looks(after).get(1), looks(before).get(1));
    assert.notEqual(looks(after).get(2), looks(before).get(2));
  } finally {
    await preview.close();
  }
});
