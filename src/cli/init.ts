import { join } from 'node:path';
import { parseIssue } from '../issue/parse.js';
import { resolveIssue } from '../layout/resolve.js';
import { loadHao, loadTemplate } from '../layout/template.js';
import { packageRoot } from '../paths.js';
import { fontRegistry } from '../pipeline/compose.js';

/**
 * A new issue file for the desk to fill: one page of the chosen layout with a lead picture slot
 * across its grid, and the keys of an article shown in comments. It holds no text of its own. What
 * the masthead and the lead leave of the page is declared reserved (待排): the beside-masthead
 * band (报眼) where the masthead is narrower than the page, and the page under the lead, one free
 * line below each box as "below" leaves it. So the scaffold composes without a hole, and the desk
 * sees on the proof what is still to fill.
 */
export function scaffold(name: string, layout: string, date: string, paper: string): string {
  const layouts = join(packageRoot(), 'layouts');
  const t = loadTemplate(layouts, layout, loadHao(layouts));
  const { columns, lines } = t.grid;
  const masthead = t.masthead;
  const leadLine = masthead.lines + 2;
  const leadLines = Math.min(30, lines - masthead.lines - 1);
  const spaces: string[] = [];
  if (masthead.columns < columns) {
    spaces.push(`      - {place: {column: ${masthead.columns + 1}, span: ${columns - masthead.columns}, line: 1, lines: ${masthead.lines}}, kind: reserved, label: 待排}   # 报眼`);
  }
  const underLead = leadLine + leadLines + 1;
  if (underLead <= lines) spaces.push(`      - {place: {column: 1, span: ${columns}, line: ${underLead}, lines: bottom}, kind: reserved, label: 待排}`);
  const mastheadNote = masthead.columns < columns ? `grid lines 1–${masthead.lines} of columns 1–${masthead.columns}` : `grid lines 1–${masthead.lines}`;
  return `# yaml-language-server: $schema=../schema/issue.schema.json
# ${name}: ${t.name} pages of ${columns} columns × ${lines} grid lines. Run \`npx compose validate\` as you fill it.
format: 1
paper: ${JSON.stringify(paper)}
date: "${date}"
pages:
  - number: 1                  # 版次
    name: 要闻                  # 版名
    layout: ${layout}
    masthead: true             # 头版: the masthead takes ${mastheadNote}
    articles:
      - id: lead
        place: {column: 1, span: ${columns}, line: ${leadLine}, lines: ${leadLines}}
        pictures:
          - place: {column: 1, span: ${columns}, line: 1, lines: ${leadLines}}
            # source: pictures/lead.jpg
        # kicker: 引题
        # headline: 主题 (one or two lines)
        # subhead: 副题
        # byline: …
        # body:
        #   - a paragraph
        #   - {lead: "…：", text: "…"}
        #   - {subhead: 小标题}
        # continued:
        #   - {page: 2, place: {column: 1, span: 2, line: 1, lines: 20}}
${spaces.length ? `    # 留版: what the articles above leave of the page, to fill (make it an article's place) or to
    # keep for an ad (kind: ad). A white area no box claims is a hole (开天窗), a blocking error.
    spaces:
${spaces.join('\n')}
` : ''}`;
}

/** What init writes, validate accepts: the scaffold goes through the same checks first, and throws their IssueErrors. */
export function checkScaffold(text: string, file: string): void {
  resolveIssue(parseIssue(text, file), join(packageRoot(), 'layouts'), fontRegistry());
}
