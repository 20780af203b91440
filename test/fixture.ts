// Issue files written by the tests: one page, articles given as YAML fragments, text copied from
// the sample at test time (real copy, never invented).

export interface FixtureArticle {
  id: string;
  place: string;
  headline?: string;
  body: string[];
  /** Raw YAML lines after the body, indented as article keys. */
  extra?: string[];
}

/** An issue file of one page (版次 2); JSON strings are YAML double-quoted scalars, so copy goes in verbatim. */
export function issueYaml(layout: string, articles: FixtureArticle[]): string {
  const lines = ['# yaml-language-server: $schema=../schema/issue.schema.json', 'format: 1', 'paper: 重庆日报', 'date: "2024-12-25"', 'pages:', '  - number: 2', '    name: 要闻', `    layout: ${layout}`, '    articles:'];
  for (const a of articles) {
    lines.push(`      - id: ${a.id}`, `        place: ${a.place}`);
    if (a.headline) lines.push(`        headline: ${JSON.stringify(a.headline)}`);
    if (a.body.length) lines.push('        body:', ...a.body.map((p) => `          - ${JSON.stringify(p)}`));
    lines.push(...(a.extra ?? []));
  }
  return lines.join('\n') + '\n';
}
