/**
 * What the commands run, each loaded when a command first runs it: the commands' definitions load
 * none of it, so --help and --version stay fast. In the command's bundle this table is a CommonJS
 * file compiled from V8's code for it kept in the cache folder (scripts/build.mjs says why).
 */
export const composer = {
  library: () => import('../index.js'),
  pipeline: () => import('../pipeline/compose.js'),
  watch: () => import('../pipeline/watch.js'),
  files: () => import('../files.js'),
  workspace: () => import('../workspace/workspace.js'),
  parse: () => import('../issue/parse.js'),
  texts: () => import('../issue/text.js'),
  schema: () => import('../issue/schema.js'),
  proofPng: () => import('../proof/png.js'),
  proofAds: () => import('../proof/ad.js'),
  server: () => import('../serve/server.js'),
  batch: () => import('./batch.js'),
  plan: () => import('../plan/run.js'),
  init: () => import('./init.js'),
  preflight: () => import('./preflight.js'),
};
