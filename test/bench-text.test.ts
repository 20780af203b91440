// The bench's shared text: Typst must be handed exactly the characters Banmian sets, on the
// sample's own copy. These check the text, never a time.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIssue } from '../src/pipeline/compose.js';
import { applyEdit, articleBlocks, charactersOf, editRound, plainBlocks, setPart } from '../bench/text.js';
import { issueYaml } from './fixture.js';
import { ROOT } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const work = mkdtempSync(join(tmpdir(), 'banmian-bench-text-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('every article of the sample hands Typst as many characters as Banmian sets of it, furniture included', async () => {
  const built = await buildIssue(SAMPLE);
  built.issue.pages.forEach((page, i) => {
    for (const a of page.articles) {
      const report = built.composition.articles.find((r) => r.id === a.id)!;
      const handed = articleBlocks(a, built.plan.pages[i].template.styles).reduce((n, b) => n + charactersOf(b.text), 0);
      assert.equal(handed, report.charactersSet, `${a.id}: ${handed} handed to Typst, ${report.charactersSet} set`);
    }
  });
});

test('an overset article cut to what its box set composes again with nothing overset and the same characters set', async () => {
  const sample = await buildIssue(SAMPLE);
  const gala = sample.issue.pages[0].articles.find((a) => a.id === 'spring-gala')!;
  const article = { headline: gala.headline!.join(' '), paragraphs: gala.body.flatMap((b) => (b.kind === 'paragraph' ? [b.text] : [])) };
  const compose = async (name: string, a: typeof article) => {
    const file = join(work, `${name}.yaml`);
    writeFileSync(file, issueYaml('broadsheet', [{ id: 'gala', place: '{column: 1, span: 2, line: 1, lines: 12}', headline: a.headline, body: a.paragraphs }], { reserve: true }));
    return (await buildIssue(file)).composition.articles[0];
  };
  const whole = await compose('whole', article);
  assert.ok(whole.oversetCharacters > 0, 'the box is too small for the story');
  const cut = setPart(article, whole);
  assert.equal(plainBlocks(cut).reduce((n, b) => n + charactersOf(b.text), 0), whole.charactersSet);
  const again = await compose('cut', cut);
  assert.equal(again.oversetCharacters, 0);
  assert.equal(again.charactersSet, whole.charactersSet);
  assert.deepEqual(setPart(cut, again), cut, 'an article with nothing overset is kept whole');
});

test('an edit changes its phrase once and only where it stands once; every other round undoes it', () => {
  const edit = { from: '满屏新意', to: '满屏新颖' };
  assert.equal(applyEdit('以满屏新意擦亮', edit), '以满屏新颖擦亮');
  assert.throws(() => applyEdit('满屏新意，满屏新意', edit), /exactly once/);
  assert.throws(() => applyEdit('金名片', edit), /exactly once/);
  assert.equal(editRound('以满屏新意擦亮', edit, 1), '以满屏新意擦亮');
});
