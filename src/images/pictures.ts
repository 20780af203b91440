import { basename } from 'node:path';
import { pictureFolders } from '../issue/confine.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { Composition, Finding, PlacedFrame } from '../page/types.js';
import type { Workspace } from '../workspace/workspace.js';
import { preparePicture, type PreparedPicture } from './prepare.js';

export interface Pictures {
  images: Map<PlacedFrame, PreparedPicture>;
  findings: Finding[];
}

/**
 * Makes every placed picture ready for the plant, all at once (sharp works on its own threads), and
 * judges their resolution: below the layout's minimum a blocking finding, below its target a
 * warning. A missing or unreadable file is bad input; all of them are reported together.
 */
export async function preparePictures(c: Composition, ws: Workspace): Promise<Pictures> {
  const images = new Map<PlacedFrame, PreparedPicture>();
  const findings: Finding[] = [];
  const errors: IssueError[] = [];
  await Promise.all(
    c.pages.flatMap((page) =>
      page.frames.map(async (frame) => {
        const pic = frame.picture;
        if (!pic) return;
        const settings = page.template.pictures;
        try {
          const prepared = await preparePicture({ source: pic.source, crop: pic.crop, width: frame.width, height: frame.height, pos: pic.pos, within: pictureFolders(pic.pos.file, settings.allow, ws) }, settings);
          images.set(frame, prepared);
          if (prepared.ppi < settings.ppi) {
            const blocking = prepared.ppi < settings.minPpi;
            findings.push({
              code: 'low-resolution',
              blocking,
              page: page.number,
              article: pic.article,
              message: `${basename(pic.source)} (${pic.pos.file}:${pic.pos.line}:${pic.pos.column}) has ${Math.floor(prepared.ppi)} ppi in its slot; ${blocking ? `the plant needs ${settings.minPpi}` : `${settings.ppi} is wanted`}: use a larger original or a smaller slot`,
            });
          }
        } catch (e) {
          if (e instanceof IssueError) errors.push(e);
          else throw e;
        }
      }),
    ),
  );
  if (errors.length) throw new IssueErrors(errors);
  return { images, findings };
}
