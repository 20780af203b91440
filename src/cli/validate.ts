import { checkPictureFile } from '../images/prepare.js';
import { pictureFolders } from '../issue/confine.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import { loadIssue } from '../issue/parse.js';
import type { AdSource } from '../issue/types.js';
import { resolveIssue } from '../layout/resolve.js';
import { fontRegistry } from '../pipeline/compose.js';
import { workspaceOf, type Workspace } from '../workspace/workspace.js';

export interface Validation {
  file: string;
  problems: { file: string; line: number; column: number; code: string; message: string }[];
}

/**
 * Everything that can be known about an issue without composing it: the schema, the layouts and
 * their fonts, the grid (articles on it and apart), the threads' pages and order, the pictures'
 * files, in the workspace found from the file (or `root`'s), and each advertisement's file opened
 * as compose opens it: there, a PDF, not encrypted, with the page asked for. Whether text fits is
 * the composer's to say, whether the plant would take an ad compose's preflight.
 */
export async function validateIssue(file: string, root?: string): Promise<Validation> {
  const { problems, ads } = check(file, root);
  if (ads.length) {
    const { openAd } = await import('../ads/open.js');
    for (const { ad, allow, ws } of ads) {
      try {
        await openAd(ad, allow, ws);
      } catch (e) {
        if (!(e instanceof IssueError)) throw e;
        problems.push(e);
      }
    }
  }
  return validation(file, problems);
}

/** An advertisement an issue places, with the folders its page's layout allows it from. */
interface NamedAd {
  ad: AdSource;
  allow: readonly string[];
  ws: Workspace;
}

function check(file: string, root: string | undefined): { problems: IssueError[]; ads: NamedAd[] } {
  const problems: IssueError[] = [];
  const ads: NamedAd[] = [];
  try {
    const ws = workspaceOf(file, root);
    const issue = loadIssue(file, ws);
    const plan = resolveIssue(issue, ws, fontRegistry(ws.fonts));
    for (const { page, template } of plan.pages) {
      for (const p of page.articles.flatMap((a) => a.pictures)) {
        if (!p.source) continue;
        try {
          checkPictureFile(p.source, p.pos, pictureFolders(issue.file, template.pictures.allow, ws));
        } catch (e) {
          if (!(e instanceof IssueError)) throw e;
          problems.push(e);
        }
      }
      for (const space of page.spaces) if (space.ad) ads.push({ ad: space.ad, allow: template.pictures.allow, ws });
    }
  } catch (e) {
    // A loop, not a spread: a file of many bad values has more problems than a call takes arguments.
    if (e instanceof IssueErrors) for (const p of e.errors) problems.push(p);
    else if (e instanceof IssueError) problems.push(e);
    else throw e;
  }
  return { problems, ads };
}

const validation = (file: string, problems: IssueError[]): Validation => ({ file, problems: problems.map((p) => ({ ...p.pos, code: p.code, message: p.message })) });
