// Advertisers' files and the issue that places one, written at test time: a PDF/X-1a page of
// the size asked for (a 30 % K tint over its trim, a solid 100 % K panel inset from it) placed into
// an ad space of a tabloid page whose other spaces are reserved, so nothing but the ad is drawn near it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { parse } from 'yaml';
import { outputProfile } from '../src/images/profile.js';
import { columnX, geometryOf, lineTop, loadHao, loadTemplate, spanWidth } from '../src/layout/template.js';
import { declareOutputIntent, infoName } from '../src/render/pdfx.js';
import { issueYaml } from './fixture.js';
import { ROOT } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
export const PROFILE = join(ROOT, 'profiles', 'cgats-tr002-newsprint.icc');

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(SAMPLE, 'utf8')) as { pages: { articles: Obj[] }[] };
const spring = sample.pages.flatMap((p) => p.articles).find((a) => a.id === 'spring-gala')!;
const springBody = (spring.body as unknown[]).filter((b): b is string => typeof b === 'string');

// The ad space: columns 4–6 of the tabloid, grid lines 41–60; the rest of the page is the sample's
// 春晚 story and space declared as reserved, so nothing but the ad is drawn near it.
export const AD_PLACE = { column: 4, span: 3, line: 41, lines: 20 };
const layouts = join(ROOT, 'layouts');
const geometry = geometryOf(loadTemplate(layouts, 'tabloid', loadHao(layouts)));
export const space = {
  x: columnX(geometry, AD_PLACE.column),
  y: lineTop(geometry, AD_PLACE.line - 1),
  width: spanWidth(geometry, AD_PLACE.span),
  height: AD_PLACE.lines * geometry.pitch,
};

/** The fixture issue with its ad space naming `source` (and `page`, if given). */
export function adIssue(source: string, extra = ''): string {
  const text = issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 40}', headline: String(spring.headline), body: springBody.slice(0, 2) }]);
  const place = (p: { column: number; span: number; line: number; lines: number | string }) => `{column: ${p.column}, span: ${p.span}, line: ${p.line}, lines: ${p.lines}}`;
  return `${text}    spaces:
      - {place: ${place({ column: 3, span: 4, line: 1, lines: 40 })}, kind: reserved}
      - {place: ${place({ column: 1, span: 3, line: 41, lines: 'bottom' })}, kind: reserved}
      - {place: ${place(AD_PLACE)}, kind: ad, label: 招聘, source: ${source}${extra}}
      - {place: ${place({ column: 4, span: 3, line: 61, lines: 'bottom' })}, kind: reserved}
`;
}
/** The line of the ad space's entry in `adIssue`'s text, 1-based. */
export const adLine = (text: string) => text.split('\n').findIndex((l) => l.includes('kind: ad')) + 1;

export interface AdSpec {
  width: number;
  height: number;
  /** How the ad paints its black: process K, or RGB. */
  colour?: 'k' | 'rgb';
  pages?: number;
  password?: string;
}

/** Inset of the ad's solid black panel from its trim, pt: white round it tells the ad's edge from the space's. */
export const PANEL_INSET = 12;

/**
 * An advertiser's PDF/X-1a written with pdfkit: the trim the size asked for, a solid panel of 100 %
 * K inset from it and a 30 % K tint over the whole trim, the output intent of the plant's profile.
 */
export async function writeAd(file: string, spec: AdSpec): Promise<void> {
  const profile = await outputProfile(PROFILE);
  const when = new Date('2024-12-20T00:00:00Z');
  const doc = new PDFDocument({
    autoFirstPage: false,
    pdfVersion: '1.3',
    font: null as unknown as string,
    info: { Title: 'ad', Producer: 'test', Creator: 'test', CreationDate: when, ModDate: when, ...{ GTS_PDFXVersion: 'PDF/X-1:2001', GTS_PDFXConformance: 'PDF/X-1a:2001' } },
    ...(spec.password ? { userPassword: spec.password, ownerPassword: spec.password } : {}),
  });
  (doc.info as Record<string, unknown>).Trapped = infoName(doc, 'False');
  declareOutputIntent(doc, profile);
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  for (let p = 0; p < (spec.pages ?? 1); p++) {
    doc.addPage({ size: [spec.width, spec.height], margin: 0 });
    const box = [0, 0, spec.width, spec.height];
    Object.assign(doc.page.dictionary.data, { TrimBox: box, BleedBox: box });
    delete (doc.page.dictionary.data as { UserUnit?: number }).UserUnit;
    if (spec.colour === 'rgb') doc.addContent('0 0 0 rg');
    else doc.addContent('0 0 0 0.3 k');
    doc.addContent(`0 0 ${spec.width} ${spec.height} re f`);
    if (spec.colour !== 'rgb') doc.addContent('0 0 0 1 k');
    doc.addContent(`${PANEL_INSET} ${PANEL_INSET} ${spec.width - 2 * PANEL_INSET} ${spec.height - 2 * PANEL_INSET} re f`);
  }
  doc.end();
  writeFileSync(file, await done);
}

/** The issue text written into `dir` as issue.yaml, its advertisers' files into dir/ads (an AdSpec drawn by writeAd, else the bytes given); returns the issue file. */
export async function writeAdDesk(dir: string, text: string, ads: Record<string, AdSpec | string | Buffer>): Promise<string> {
  mkdirSync(join(dir, 'ads'), { recursive: true });
  for (const [name, spec] of Object.entries(ads)) {
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) writeFileSync(join(dir, 'ads', name), spec);
    else await writeAd(join(dir, 'ads', name), spec);
  }
  const issue = join(dir, 'issue.yaml');
  writeFileSync(issue, text);
  return issue;
}
