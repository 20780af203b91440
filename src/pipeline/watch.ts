import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { findWorkspaceFile, workspaceOf, WORKSPACE_FILE } from '../workspace/workspace.js';
import type { Issue } from '../issue/types.js';
import { composeSession, inputPaths, type BuildCounts, type ComposeOptions, type ComposeResult } from './compose.js';

/**
 * Editors save in several steps (write, rename) within a few ms: changes this close together are
 * one edit. A step that comes later only composes once more, the last compose reading the file
 * as it was left, so a short wait costs a half-written file's error shown until the next build.
 */
const SETTLE_MS = 15;

export interface IssueWatch {
  /** Watches what the last good build read (the issue file alone before one): call after every build. */
  follow(issue: Issue | null): void;
  close(): void;
}

/**
 * Calls `changed` once per burst of saves to the issue file, its story files, its pictures, its
 * workspace's banmian.yaml or a layout of the workspace (`root` as ComposeOptions.root). Folders
 * are watched, not files: an editor that saves by renaming a new file into place leaves a watch on
 * the old file looking at nothing.
 */
export function watchIssue(issueFile: string, changed: () => void, root?: string): IssueWatch {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const edited = () => {
    clearTimeout(timer);
    timer = setTimeout(changed, SETTLE_MS);
  };
  const stop = () => {
    for (const w of watchers) w.close();
    watchers = [];
  };
  return {
    follow(issue) {
      stop();
      const folders = new Map<string, Set<string>>();
      const add = (path: string) => {
        const names = folders.get(dirname(path)) ?? new Set<string>();
        names.add(basename(path));
        folders.set(dirname(path), names);
      };
      for (const path of issue ? inputPaths(issue) : [issueFile]) add(path);
      let layouts: string[] = [];
      try {
        const ws = workspaceOf(issueFile, root);
        if (ws.file) add(ws.file);
        layouts = ws.layouts;
      } catch {
        // A banmian.yaml being mended: its next save composes again.
        const file = root !== undefined ? join(root, WORKSPACE_FILE) : findWorkspaceFile(dirname(issueFile));
        if (file) add(file);
      }
      const watchOn = (folder: string, onChange: Parameters<typeof watch>[1]) => {
        try {
          return [watch(folder, onChange)];
        } catch {
          return [];
        }
      };
      watchers = [...folders].flatMap(([folder, names]) => watchOn(folder, (_event, name) => name && names.has(name.toString()) && edited()));
      watchers.push(...layouts.flatMap((folder) => watchOn(folder, edited)));
    },
    close() {
      clearTimeout(timer);
      stop();
    },
  };
}

/**
 * `build` run one call after another. A call made while one waits its turn joins it: the waiting
 * build reads the files as the later saves left them, and a build of their own would repeat it.
 */
export function inTurn(build: () => Promise<void>): () => Promise<void> {
  let last = Promise.resolve();
  let waiting = false;
  const run = () => {
    waiting = false;
    return build();
  };
  return () => {
    if (!waiting) {
      waiting = true;
      last = last.then(run, run);
    }
    return last;
  };
}

/** What one compose of `compose --watch` came to: the PDF written, or why not. */
export type SaveOutcome = { result: ComposeResult; counts: BuildCounts; ms: number } | { error: unknown };

export interface ComposingOnSave {
  /** Resolves once the first compose is told. */
  ready: Promise<void>;
  close(): void;
}

/**
 * `compose --watch`: composes the issue into its PDF, then again after every save of what it
 * reads, in one session, so an edit sets only the articles it touched. Each outcome is told once
 * the watch on the files stands, so a save made on reading it is seen.
 */
export function composeOnSave(issueFile: string, outDir: string, options: ComposeOptions, told: (outcome: SaveOutcome) => void): ComposingOnSave {
  const session = composeSession();
  let good: Issue | null = null;
  const compose = inTurn(async () => {
    const start = performance.now();
    let outcome: SaveOutcome;
    try {
      const result = await session.compose(issueFile, outDir, options);
      good = result.issue;
      outcome = { result, counts: session.counts(), ms: performance.now() - start };
    } catch (error) {
      outcome = { error };
    }
    watching.follow(good);
    told(outcome);
  });
  const watching = watchIssue(issueFile, () => void compose(), options.root);
  return { ready: compose(), close: () => watching.close() };
}
