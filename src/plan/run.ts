// `compose plan`: the plan printed, written into the issue file (--write), or composed as a proof.
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { writePlaces, type PlaceEdit, type SpaceEdit } from '../issue/edit.js';
import { loadIssue, parseIssue } from '../issue/parse.js';
import type { GridPlace } from '../issue/types.js';
import { diagnosticsOfFindings } from '../cli/diagnostic.js';
import { renderDiagnostic } from '../cli/diagnostics.js';
import { articleLine } from '../cli/report.js';
import { EXIT } from '../cli/exit.js';
import { writeAtomically } from '../files.js';
import { setArticle } from '../page/article.js';
import { composeSession, rememberedArticles } from '../pipeline/compose.js';
import { pageLine, planLines } from './figures.js';
import { placesOf, planIssue, spacesLeft, type PlanOptions } from './plan.js';

export interface RunOptions extends PlanOptions {
  /** Write the places into the issue file instead of composing a proof. */
  write: boolean;
  /** The proof's folder. */
  out: string;
}

const placeText = (p: GridPlace) => `{column: ${p.column}, span: ${p.span}, line: ${p.line}, lines: ${p.lines}}`;

/** Plans the issue file and reports on `say`, one line a call; returns the exit code. */
export async function runPlan(issuePath: string, options: RunOptions, say: (line: string) => void): Promise<number> {
  const issue = loadIssue(issuePath);
  const set = rememberedArticles(setArticle).build().set;
  const pages = planIssue(issue, { ...options, set });
  if (!pages.length) {
    say(`${issuePath}: no page has a story left to the plan (no place, or place: auto); nothing to plan`);
    return EXIT.clean;
  }
  const edits: PlaceEdit[] = [];
  const spaces: SpaceEdit[] = [];
  let leftOut = false;
  for (const p of pages) {
    say(pageLine(p, options.seed));
    p.result.plans.forEach((e, i) => planLines(p, e, i).forEach(say));
    const best = p.result.plans[0];
    edits.push(...placesOf(p, best));
    leftOut ||= best.leftOut.length > 0;
    for (const place of spacesLeft(p, best)) {
      spaces.push({ page: p.page.number, place, kind: 'reserved' });
      const declare = options.write ? 'declared under the page\'s spaces' : 'declare it under the page\'s spaces (--write does)';
      say(`page ${p.page.number}: too little text to fill the page: ${placeText(place)} is left white, not filled by stretching text; ${declare} as - {place: ${placeText(place)}, kind: reserved}, or give the page more copy`);
    }
  }
  const unfinished = leftOut || spaces.length > 0;
  if (options.write) {
    if (leftOut) {
      say(`${issuePath}: not written: a story found no room on its page; give the page less copy or more room`);
      return EXIT.findings;
    }
    writeAtomically(issuePath, writePlaces(readFileSync(issuePath, 'utf8'), edits, spaces));
    say(`${issuePath}: ${edits.length} place(s) written${spaces.length ? `, and ${spaces.length} reserved space(s) (预留) for the white the copy could not fill` : ''}`);
    return unfinished ? EXIT.findings : EXIT.clean;
  }
  // The proof: the issue as the plan would write it, the white it could not fill declared reserved.
  const planned = parseIssue(writePlaces(readFileSync(issuePath, 'utf8'), edits, spaces), issue.file);
  // A story the plan found no room for is reported above and left out of the proof, which cannot place it.
  for (const page of planned.pages) page.articles = page.articles.filter((a) => a.place);
  const pdf = join(options.out, `${basename(issuePath, extname(issuePath))}.plan.pdf`);
  const { composition } = await composeSession(set).composeParsed(planned, pdf);
  for (const d of diagnosticsOfFindings(composition.findings, planned)) say(renderDiagnostic(d, { format: 'short', color: false }));
  for (const a of composition.articles) say(`  ${articleLine(a)}`);
  say(`${pdf}: the plan's proof, ${composition.pages.length} page(s), ${composition.articles.reduce((n, a) => n + a.oversetCharacters, 0)} characters overset`);
  return unfinished || composition.findings.some((f) => f.blocking) ? EXIT.findings : EXIT.clean;
}
