// After tsc: the issue schema's validators as generated code, then the command as one bundle.
// Nothing compiles a schema when the command runs, and a command loads only the chunks it uses.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';
import { COMPOSITES, DEFINITIONS_CHECKED } from '../dist/src/issue/composites.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(join(root, 'schema', 'issue.schema.json'), 'utf8'));

/**
 * The parts of the schema that are checked on their own: the whole, the definitions checked apart
 * (a JSON story against its own), and each branch of a composite the messages choose a branch of.
 */
function parts() {
  const at = (pointer) => pointer.slice(2).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((node, key) => node[key], schema);
  const branches = COMPOSITES.filter((c) => c.choose).flatMap((c) => at(c.pointer).map((_, i) => `${c.pointer}/${i}`));
  return ['#', ...DEFINITIONS_CHECKED.map((d) => `#/definitions/${d}`), ...branches];
}

function validatorsModule() {
  // The options the runtime relied on when it compiled the schema itself: the messages depend on them.
  // strict: a schema mistake fails the build; strictRequired off: the article's "at least one of
  // headline, body, …" anyOf names properties defined one level up.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, logger: false, code: { source: true, esm: true } });
  ajv.addSchema(schema);
  const pointers = parts();
  const refs = Object.fromEntries(pointers.map((p, i) => [`part${i}`, p === '#' ? schema.$id : schema.$id + p]));
  const table = pointers.map((p, i) => `  ${JSON.stringify(p)}: part${i},`).join('\n');
  return `${esmImports(standaloneCode(ajv, refs))}\n/** Each part's validator by its JSON pointer in the issue schema. */\nexport const VALIDATORS = {\n${table}\n};\n`;
}

/** ajv's standalone code requires its runtime helpers even as an ES module: they become imports. */
function esmImports(code) {
  const modules = [];
  const body = code.replace(/require\("([^"]+)"\)/g, (_, module) => {
    if (!modules.includes(module)) modules.push(module);
    return `runtime${modules.indexOf(module)}`;
  });
  return `${modules.map((m, i) => `import runtime${i} from ${JSON.stringify(m.endsWith('.js') ? m : `${m}.js`)};`).join('\n')}\n${body.replace(/^"use strict";/, '')}`;
}

writeFileSync(join(root, 'dist', 'src', 'issue', 'validators.js'), validatorsModule());

/**
 * pdfkit finds its standard fonts and data files from its own module's address; inside the bundle
 * that address would be the bundle's, so it is given the address of pdfkit's installed files.
 */
const pdfkitFiles = {
  name: 'pdfkit-files',
  setup(build) {
    build.onLoad({ filter: /[\\/]pdfkit[\\/]js[\\/]pdfkit\.node\.mjs$/ }, ({ path }) => ({
      contents:
        "import { createRequire as pdfkitRequire } from 'node:module'; import { pathToFileURL as pdfkitFileUrl } from 'node:url';\n" +
        "const pdfkitUrl = pdfkitFileUrl(pdfkitRequire(import.meta.url).resolve('pdfkit')).href;\n" +
        readFileSync(path, 'utf8').replace(/import\.meta\.url/g, 'pdfkitUrl'),
      loader: 'js',
      resolveDir: dirname(path),
    }));
  },
};

/**
 * fontkit's brotli decoder (1.4 MB of code) is only for WOFF2 fonts: it is loaded from the
 * installed package when a WOFF2 font is first decoded, not parsed on every run.
 */
const brotliWhenNeeded = {
  name: 'brotli-when-needed',
  setup(build) {
    build.onResolve({ filter: /^brotli\/decompress(\.js)?$/ }, () => ({ path: 'brotli/decompress.js', namespace: 'brotli-when-needed' }));
    build.onLoad({ filter: /.*/, namespace: 'brotli-when-needed' }, () => ({
      // Found from fontkit's own place, wherever the installer put either of them.
      contents:
        "import { createRequire } from 'node:module';\n" +
        'let decompress;\n' +
        "const load = () => createRequire(createRequire(import.meta.url).resolve('fontkit'))('brotli/decompress.js');\n" +
        'export default (buffer, size) => (decompress ??= load())(buffer, size);\n',
      loader: 'js',
    }));
  },
};

/**
 * budoux's package entry also brings its HTML processor, and with it an HTML parser, a DOM and a
 * CSS engine (about 750 KB of code parsed on every run) that phrase breaking never calls: the
 * bundle takes the parser and the Simplified Chinese model alone, which is all the page stage uses.
 */
const budouxParserOnly = {
  name: 'budoux-parser-only',
  setup(build) {
    build.onResolve({ filter: /^budoux$/ }, () => ({ path: 'budoux', namespace: 'budoux-parser-only' }));
    build.onLoad({ filter: /.*/, namespace: 'budoux-parser-only' }, () => {
      const module = join(dirname(createRequire(import.meta.url).resolve('budoux')), '..', 'module');
      return {
        contents:
          `import { Parser } from ${JSON.stringify(join(module, 'parser.js'))};\n` +
          `import { model } from ${JSON.stringify(join(module, 'data', 'models', 'zh-hans.js'))};\n` +
          'export const loadDefaultSimplifiedChineseParser = () => new Parser(model);\n',
        loader: 'js',
        resolveDir: module,
      };
    });
  },
};

/**
 * fontkit's Arabic, Indic and Universal shapers and pdfkit's line breaker each inflate a Unicode
 * trie when their module is loaded, for scripts and a text wrapping the composer never asks them
 * for: every trie is inflated when it is first read instead, so a run pays only for the ones it reads.
 */
const triesWhenRead = {
  name: 'tries-when-read',
  setup(build) {
    build.onResolve({ filter: /^unicode-trie$/ }, ({ resolveDir }) => ({ path: createRequire(join(resolveDir, 'package.json')).resolve('unicode-trie'), namespace: 'tries-when-read' }));
    build.onLoad({ filter: /.*/, namespace: 'tries-when-read' }, ({ path }) => ({
      contents:
        `import UnicodeTrie from ${JSON.stringify(path)};\n` +
        'export default class TrieWhenRead {\n' +
        '  constructor(data) { this.data = data; }\n' +
        '  get(codePoint) { return (this.trie ??= new UnicodeTrie(this.data)).get(codePoint); }\n' +
        '}\n',
      loader: 'js',
      resolveDir: dirname(path),
    }));
  },
};

/**
 * yaml's parser and composer read the environment for their own debugging log at every token
 * (LOG_TOKENS, LOG_STREAM): a sixth of reading a large issue. The command never logs them, so in its
 * bundle those switches are off.
 */
const YAML_LOG_SWITCHES = /\bnode_process\.env\.LOG_(TOKENS|STREAM)\b/g;
const yamlLogOff = {
  name: 'yaml-log-off',
  setup(build) {
    build.onLoad({ filter: /[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, ({ path }) => ({
      contents: readFileSync(path, 'utf8').replace(YAML_LOG_SWITCHES, 'false'),
      loader: 'js',
    }));
  },
};

/**
 * pdfkit encrypts with AES only a document given a password, which the composer never gives it; the
 * cipher's module builds its tables when loaded, so it is loaded when pdfkit first encrypts.
 */
const aesWhenUsed = {
  name: 'aes-when-used',
  setup(build) {
    build.onResolve({ filter: /^@noble\/ciphers\/aes$/ }, ({ resolveDir }) => ({ path: createRequire(join(resolveDir, 'package.json')).resolve('@noble/ciphers/aes'), namespace: 'aes-when-used' }));
    build.onLoad({ filter: /.*/, namespace: 'aes-when-used' }, ({ path }) => ({
      contents:
        'let aes;\n' +
        `const ciphers = () => (aes ??= require(${JSON.stringify(path)}));\n` +
        'export const cbc = (...args) => ciphers().cbc(...args);\n' +
        'export const ecb = (...args) => ciphers().ecb(...args);\n',
      loader: 'js',
      resolveDir: dirname(path),
    }));
  },
};

/**
 * Most of the code a composing run loads, as CommonJS files the command compiles from V8's code
 * for them kept in the cache folder (src/cli/composer-packages.ts): the composer's packages, and
 * apart from them the YAML reader, which validating an issue loads without fonts or PDF.
 */
const PACKAGE_FILES = {
  'composer-packages': { fontkit: 'fontkit', pdfkit: 'pdfkit', budoux: 'budoux' },
  // yaml's util entry shares the reader's modules: bundled apart from it, it was a second copy of yaml.
  'document-packages': { yaml: 'yaml', yamlUtil: 'yaml/util' },
};

/** One file of packages (a name in the file for each specifier), and the names each specifier exports. */
async function packagesFile(name, packages) {
  const names = Object.keys(packages);
  const built = await build({
    stdin: {
      contents: `${names.map((n) => `import * as ${n} from '${packages[n]}';`).join('\n')}\nexport { ${names.join(', ')} };\n`,
      resolveDir: root,
      loader: 'js',
    },
    outdir: out,
    entryNames: `${name}-[hash]`,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // The packages find their own files from their module's address, which the file is given.
    define: { 'import.meta.url': 'composerPackagesUrl' },
    banner: { js: "const composerPackagesUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [pdfkitFiles, brotliWhenNeeded, budouxParserOnly, triesWhenRead, aesWhenUsed, yamlLogOff],
    logLevel: 'warning',
    metafile: true,
  });
  const file = Object.keys(built.metafile.outputs).find((f) => f.endsWith('.cjs'));
  const loaded = createRequire(import.meta.url)(join(root, file));
  return { file: `./${basename(file)}`, exports: Object.fromEntries(names.map((n) => [packages[n], { name: n, keys: Object.keys(loaded[n]) }])), metafile: built.metafile };
}

/**
 * Each package of a file of them, in the command's bundle, is what that file exports: it is read
 * (and compiled) when a module that imports one is first loaded, as the package itself would be.
 */
const packagesFrom = (files) => ({
  name: 'packages-files',
  setup(build) {
    const fileOf = new Map(files.flatMap((f) => Object.keys(f.exports).map((p) => [p, f])));
    const filter = new RegExp(`^(${[...fileOf.keys()].map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
    // At the package's own path, so that the bundle's record names the package a file of it stands for.
    build.onResolve({ filter }, ({ path, resolveDir }) => ({ path: createRequire(join(resolveDir, 'package.json')).resolve(path), namespace: 'packages-files', pluginData: path }));
    build.onLoad({ filter: /.*/, namespace: 'packages-files' }, ({ pluginData: specifier }) => {
      const { file, exports } = fileOf.get(specifier);
      const { name, keys } = exports[specifier];
      const named = keys.filter((k) => k !== 'default');
      return {
        contents:
          `import { composerPackage } from ${JSON.stringify(join(root, 'dist', 'src', 'cli', 'composer-packages.js'))};\n` +
          `const p = composerPackage(${JSON.stringify(file)}, ${JSON.stringify(name)});\n` +
          (keys.includes('default') ? 'export default p.default;\n' : '') +
          (named.length ? `export const { ${named.join(', ')} } = p;\n` : ''),
        loader: 'js',
        resolveDir: root,
      };
    });
  },
});

/**
 * Banmian's own code that a command runs (reading the issue, its validators, composing, the PDF):
 * Node 20 keeps no compiled code of an ES module, so in the chunks it was parsed and compiled again
 * on every run (measured, about 16 ms of the sample's 300). It is a CommonJS file too (the table of src/cli/composer.ts
 * and all it loads), compiled as the packages' files are, from V8's code kept in the cache folder;
 * its modules are still initialised only when first asked for. One file: a module in two files
 * would be two copies of its state. The modules the commands' definitions load themselves (the
 * errors main recognises, the diagnostics, the loader of these files) stay in the chunks, and the
 * composer's file takes them from there, so --help and --version load none of it and a process has
 * one copy of every module. So do the imports of ES modules outside the bundle (sharp, pdf.js): a
 * script compiled by node:vm has no import() of its own on Node 20.
 */
const COMPOSER = join(root, 'dist', 'src', 'cli', 'composer.js');
const LOADER = join(root, 'dist', 'src', 'cli', 'composer-packages.js');
const IMPORTS = join(root, 'dist', 'src', 'outside.js');
const OUTSIDE = ['sharp', 'harfbuzzjs', 'mupdf', 'pdfjs-dist'];
const at = (resolveDir, path) => (path.startsWith('.') || path.startsWith('/') ? resolve(resolveDir, path) : undefined);

/** The modules the commands' definitions load without the composer's table, and those the loader and the imports load. */
async function commandModules() {
  const built = await build({
    entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js'), LOADER, IMPORTS],
    bundle: true,
    write: false,
    outdir: out,
    format: 'esm',
    platform: 'node',
    external: OUTSIDE,
    plugins: [{ name: 'without-composer', setup: (b) => b.onResolve({ filter: /composer\.js$/ }, ({ path, resolveDir }) => (at(resolveDir, path) === COMPOSER ? { path, external: true } : undefined)) }],
    logLevel: 'warning',
    metafile: true,
  });
  return new Set(Object.keys(built.metafile.inputs).map((i) => resolve(i)).filter((i) => !i.includes('node_modules')));
}

async function composerFile() {
  const shared = await commandModules();
  const sharedName = (path) => `banmian:${relative(join(root, 'dist', 'src'), path)}`;
  const built = await build({
    entryPoints: { composer: COMPOSER },
    outdir: out,
    entryNames: 'composer-[hash]',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: OUTSIDE,
    // A script compiled by node:vm has no import() on Node 20: the table's entries for the shared
    // modules require them.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': 'composerUrl' },
    banner: { js: "const composerUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [
      packagesFrom(packagesFiles),
      { name: 'shared-with-commands', setup: (b) => b.onResolve({ filter: /.*/ }, ({ path, resolveDir }) => (shared.has(at(resolveDir, path)) ? { path: sharedName(at(resolveDir, path)), external: true } : undefined)) },
    ],
    logLevel: 'warning',
    metafile: true,
  });
  const [file, output] = Object.entries(built.metafile.outputs).find(([f]) => f.endsWith('.cjs'));
  const takes = new Set(output.imports.filter((i) => i.path.startsWith('banmian:')).map((i) => i.path));
  return { file: `./${basename(file)}`, output: file, shared: [...shared].filter((p) => takes.has(sharedName(p))).map((p) => [sharedName(p), p]), metafile: built.metafile };
}

/**
 * In the chunks, each entry of the composer's table loads the composer's file, from a chunk of its
 * own that the commands' definitions do not import: that chunk gives the file the shared modules.
 */
const composerFrom = (composer, keys) => ({
  name: 'composer-file',
  setup(build) {
    build.onResolve({ filter: /composer\.js$/ }, ({ path, resolveDir }) => (at(resolveDir, path) === COMPOSER ? { path: COMPOSER, namespace: 'composer-table' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'composer-table' }, () => ({
      contents: `const file = () => import('composer-file');\nexport const composer = {\n${keys.map((k) => `  ${k}: async () => (await file()).composer.${k}(),\n`).join('')}};\n`,
      loader: 'js',
      resolveDir: root,
    }));
    build.onResolve({ filter: /^composer-file$/ }, () => ({ path: composer.file, namespace: 'composer-file' }));
    build.onLoad({ filter: /.*/, namespace: 'composer-file' }, () => ({
      contents:
        `import { composerPackage } from ${JSON.stringify(LOADER)};\n` +
        composer.shared.map(([, path], i) => `import * as shared${i} from ${JSON.stringify(path)};\n`).join('') +
        `export const composer = composerPackage(${JSON.stringify(composer.file)}, 'composer', {\n${composer.shared.map(([name], i) => `  ${JSON.stringify(name)}: shared${i},\n`).join('')}});\n`,
      loader: 'js',
      resolveDir: root,
    }));
  },
});

const out = join(root, 'dist', 'compose');
rmSync(out, { recursive: true, force: true });
const packagesFiles = await Promise.all(Object.entries(PACKAGE_FILES).map(([name, packages]) => packagesFile(name, packages)));
const composer = await composerFile();
const { composer: table } = await import(pathToFileURL(COMPOSER).href);
const bundle = await build({
  entryPoints: { compose: join(root, 'dist', 'src', 'cli', 'main.js'), 'batch-worker': join(root, 'dist', 'src', 'cli', 'batch-worker.js') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native and WebAssembly packages find their binaries beside their own files; pdf.js its worker
  // and its canvas (the proof draws advertisements with it).
  external: OUTSIDE,
  // CommonJS packages inside an ES module still call require for Node's own modules.
  banner: { js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);" },
  // Beside the entry points, so that the batch finds its worker next to the chunk that forks it.
  chunkNames: '[name]-[hash]',
  plugins: [packagesFrom(packagesFiles), composerFrom(composer, Object.keys(table))],
  logLevel: 'warning',
  metafile: true,
});
// Which sources each file of the bundle holds: the tests check from it what a command loads. The
// chunk that loads the composer's file holds, for them, what that file holds.
const loading = Object.values(bundle.metafile.outputs).find((o) => Object.keys(o.inputs).some((i) => i.startsWith('composer-file:')));
Object.assign(loading.inputs, composer.metafile.outputs[composer.output].inputs);
const metafiles = [...packagesFiles.map((f) => f.metafile), composer.metafile, bundle.metafile];
writeFileSync(join(out, 'meta.json'), JSON.stringify({ inputs: Object.assign({}, ...metafiles.map((m) => m.inputs)), outputs: Object.assign({}, ...metafiles.map((m) => m.outputs)) }));
