#!/usr/bin/env node
// npm run build: the `card-capture` crate → WebAssembly → pkg/ (an npm package).
//
//   cargo build --profile wasm-release ─► wasm-bindgen --target web ────────► card_capture.js (+ .d.ts)
//                                      └► wasm-bindgen --target no-modules ─► card-capture.js
//   both runs emit the same .wasm ─► wasm-opt -Oz ─► card_capture_bg.wasm (one file, both entry points)
//   import names shortened in the .wasm and both glue files (scripts/lib/imports.mjs)
//
//   src/locales/<tag>.json ─► pkg/locales/<tag>.js (+ .json): the languages loaded on demand,
//   with their loader pkg/locales/index.js (src/js/locales.js), `card-capture/locales`
//   src/js/react.js, vue.js, lifecycle.js ─► pkg/react/, pkg/vue/, pkg/lifecycle.js: the
//   components `card-capture/react` and `card-capture/vue` (React and Vue are peer dependencies)
//
//   the `card-validate-wasm` crate, the same way ─► pkg/validate/: card_validate.js (its glue
//   plus crates/card-validate-wasm/js/validate.js) + card_validate_bg.wasm, the validation-only
//   entry point `card-capture/validate`, typed with the full module's own declarations
//
// The script-tag file fetches the .wasm with `fetch(url, {integrity})` (Fetch standard, "integrity"
// request option; W3C SRI), the hash baked in here, so a page that pins the script's own hash with
// `<script integrity>` pins the whole module. Cargo honours CARGO_TARGET_DIR (default ./target);
// wasm-opt, the slow step, is cached by input hash under that directory, and pkg/ files are only
// rewritten when their bytes change, so a build with nothing to do takes about a second.
import fs from 'node:fs';
import path from 'node:path';
import { minifySync } from 'vite';
import { run, toolEnv } from './lib/exec.mjs';
import { FILES, PKG_DIR, ROOT, sha256, sri } from './lib/files.mjs';
import { renameGlue, renameImports } from './lib/imports.mjs';

const CRATE = 'card-capture';
const LIB = 'card_capture';
const VALIDATE_CRATE = 'card-validate-wasm';
const VALIDATE_LIB = 'card_validate';
const VALIDATE_DIR = path.join(ROOT, 'crates', VALIDATE_CRATE);
const LOCALES_DIR = path.join(ROOT, 'src', 'locales');
const JS_DIR = path.join(ROOT, 'src', 'js');
const WASM_OPT = path.join(ROOT, 'node_modules', '.bin', 'wasm-opt');
// --low-memory-unused lets wasm-opt fold constant offsets into loads and stores (1.3 KB): it
// assumes addresses below 1024 are never accessed, true of Rust's wasm32 layout, where the
// shadow stack fills 0..1 MiB growing down from 1 MiB and would only reach them after
// overflowing. --converge repeats -Oz until nothing shrinks, and the target_features section,
// needed by wasm-bindgen and wasm-opt's validation but not by browsers, is dropped last:
// together 0.2 KB less gzip and brotli (docs/browser-checkout.md; -Os would be 0.2 KB less
// gzip again but 0.6 KB more raw).
const WASM_OPT_FLAGS = ['-Oz', '--low-memory-unused', '--converge', '--strip-target-features'];
// Options shared by both wasm-bindgen runs: names and the producers section are dropped here
// rather than by `strip = true`, which would also drop target_features (see Cargo.toml profile).
const BINDGEN_FLAGS = ['--remove-name-section', '--remove-producers-section'];
// The validate entry point gets the same flags (--converge: 0.1 KB gzip there).
const VALIDATE_WASM_OPT_FLAGS = WASM_OPT_FLAGS;

function cargoBuild(crate = CRATE, lib = LIB) {
  const out = run(
    'cargo',
    ['build', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-release', '-p', crate,
      '--message-format=json-render-diagnostics'],
    { cwd: ROOT, capture: true },
  );
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason === 'compiler-artifact' && msg.target?.name === lib) {
      const wasm = msg.filenames.find((f) => f.endsWith('.wasm'));
      if (wasm) return wasm;
    }
  }
  throw new Error(`cargo produced no ${lib}.wasm`);
}

function crateMetadata() {
  const meta = JSON.parse(
    run('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: ROOT, capture: true }),
  );
  const pkg = meta.packages.find((p) => p.name === CRATE);
  if (!pkg) throw new Error(`cargo metadata: no package ${CRATE}`);
  return { ...pkg, targetDirectory: meta.target_directory };
}

function bindgen(wasmIn, target, outDir, extra = []) {
  fs.rmSync(outDir, { recursive: true, force: true });
  run('wasm-bindgen', ['--target', target, ...BINDGEN_FLAGS, ...extra, '--out-dir', outDir, wasmIn]);
  return (name) => fs.readFileSync(path.join(outDir, name));
}

function wasmOpt(input, cacheDir, flags = WASM_OPT_FLAGS) {
  const binaryen = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'binaryen', 'package.json'), 'utf8'));
  const key = sha256(Buffer.concat([input, Buffer.from(`\0${binaryen.version}\0${flags.join(' ')}`)]));
  const cached = path.join(cacheDir, `opt-${key}.wasm`);
  if (fs.existsSync(cached)) return { bytes: fs.readFileSync(cached), cached: true };
  const tmpIn = path.join(cacheDir, 'opt-input.wasm');
  fs.writeFileSync(tmpIn, input);
  run(WASM_OPT, [...flags, tmpIn, '-o', `${cached}.tmp`]);
  for (const old of fs.readdirSync(cacheDir)) {
    if (old.startsWith('opt-') && old.endsWith('.wasm') && old !== path.basename(cached)) {
      fs.rmSync(path.join(cacheDir, old));
    }
  }
  fs.renameSync(`${cached}.tmp`, cached);
  return { bytes: fs.readFileSync(cached), cached: false };
}

/**
 * `source` minified (oxc, through vite: compressed and mangled) under a `/*!` banner comment. It
 * halves the gzip size of wasm-bindgen's glue; the ES module keeps its exports and its
 * `new URL('….wasm', import.meta.url)`, which bundlers follow to emit the .wasm.
 */
function minify(name, source, banner) {
  const min = minifySync(name, source, { compress: true, mangle: true });
  if (min.errors?.length) throw new Error(`minifying ${name}: ${min.errors[0].message}`);
  return `/*! ${banner} */\n${min.code}`;
}

// The no-modules glue is one `let wasm_bindgen = (function (exports) {...})({})` statement that
// finds its .wasm from `document.currentScript`, with no `import.meta`. Wrapping it in a function
// keeps `wasm_bindgen` out of the page's global scope; the loader below is the only addition.
function globalScript(noModulesGlue, { version, license, wasmIntegrity }) {
  const glue = noModulesGlue.toString('utf8');
  if (!glue.startsWith('let wasm_bindgen = (function(exports) {') || glue.includes('import.meta')) {
    throw new Error('wasm-bindgen --target no-modules output changed shape; update scripts/build.mjs');
  }
  return minify(FILES.global, `(function () {
'use strict';
${glue.trimEnd()}

var WASM_FILE = ${JSON.stringify(FILES.wasm)};
var WASM_INTEGRITY = ${JSON.stringify(wasmIntegrity)};
var api = {};
Object.keys(wasm_bindgen).forEach(function (name) {
  if (name !== 'initSync') api[name] = wasm_bindgen[name];
});

// The .wasm sits next to this script: resolve it against the script's own URL (read now, while
// the script runs; currentScript is null afterwards), not the page's, so the file can be served
// from any path or CDN. The fetch carries the hash, so a changed .wasm is never instantiated.
function load() {
  var script = typeof document !== 'undefined' ? document.currentScript : null;
  if (!script || !script.src) {
    return Promise.reject(new Error('card-capture: load ${FILES.global} with a classic <script src> tag'));
  }
  var url = new URL(WASM_FILE, script.src);
  return wasm_bindgen({ module_or_path: fetch(url, { integrity: WASM_INTEGRITY }) })
    .then(function () { return api; });
}

api.ready = load();
globalThis.CardCapture = Object.freeze(api);
})();
`, `card-capture ${version} (${license}). Script-tag build: defines window.CardCapture.`);
}

function globalTypes() {
  return `/** Types of \`window.CardCapture\`, defined by the classic script ${FILES.global}. */
import type * as CardCaptureModule from './${FILES.esm}';

/** The ES module's functions, plus \`ready\`. Call the functions once \`ready\` has resolved. */
export type CardCaptureGlobal = Omit<typeof CardCaptureModule, 'default' | 'initSync'> & {
  /** Resolves (with the same object) once the integrity-checked WebAssembly is instantiated. */
  readonly ready: Promise<CardCaptureGlobal>;
};

declare global {
  var CardCapture: CardCaptureGlobal;
}
`;
}

function packageJson(meta, files, localeTags) {
  const json = {
    name: CRATE,
    version: meta.version,
    description: meta.description,
    license: meta.license,
    ...(meta.repository ? { repository: { type: 'git', url: `git+${meta.repository}.git` } } : {}),
    keywords: ['payline', 'monext', 'credit-card', 'validation', 'webassembly'],
    type: 'module',
    main: `./${FILES.esm}`,
    types: `./${FILES.types}`,
    exports: {
      '.': { types: `./${FILES.types}`, import: `./${FILES.esm}` },
      [`./${FILES.global}`]: { types: `./${FILES.globalTypes}`, default: `./${FILES.global}` },
      [`./${FILES.wasm}`]: `./${FILES.wasm}`,
      [`./${FILES.integrity}`]: `./${FILES.integrity}`,
      [`./${FILES.css}`]: `./${FILES.css}`,
      './validate': { types: `./${FILES.validateTypes}`, import: `./${FILES.validateEsm}` },
      './locales': { types: './locales/index.d.ts', import: './locales/index.js' },
      // Each language's texts as JSON, for pages without a bundler (registerLocale() takes
      // their values).
      ...Object.fromEntries(localeTags.map((tag) => [`./locales/${tag}.json`, `./locales/${tag}.json`])),
      './react': { types: './react/index.d.ts', import: './react/index.js' },
      './vue': { types: './vue/index.d.ts', import: './vue/index.js' },
      [`./${FILES.validateWasm}`]: `./${FILES.validateWasm}`,
      [`./${FILES.fieldsHtml}`]: `./${FILES.fieldsHtml}`,
      [`./${FILES.fieldsJs}`]: `./${FILES.fieldsJs}`,
      [`./${FILES.fieldsCss}`]: `./${FILES.fieldsCss}`,
      './package.json': './package.json',
    },
    // CDNs that serve a package's browser file by default (unpkg, jsDelivr) get the script-tag build.
    unpkg: `./${FILES.global}`,
    jsdelivr: `./${FILES.global}`,
    files,
    // The components use the page's own React or Vue; a page using neither installs neither.
    peerDependencies: { react: '>=18', vue: '>=3.5' },
    peerDependenciesMeta: { react: { optional: true }, vue: { optional: true } },
    // Only the script-tag file runs code on load (it defines window.CardCapture); the ES module
    // has no top-level effects, so bundlers may drop it when unused.
    sideEffects: [`./${FILES.global}`],
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function readme(meta, integrity) {
  return `# card-capture ${meta.version}

${meta.description}

ES module (browsers, bundlers):

\`\`\`js
import init, { validateNumber, formatNumber } from 'card-capture';
await init(); // fetches ${FILES.wasm} next to the module
validateNumber('4970 1011 2233 4455'); // { valid: true, brands: [{ id: 'cb', ... }, { id: 'visa', ... }], ... }
\`\`\`

Script tag (no bundler, no \`type="module"\`):

\`\`\`html
<script src="/pkg/${FILES.global}" integrity="${integrity[FILES.global]}" crossorigin="anonymous"></script>
<script src="/checkout.js"></script> <!-- CardCapture.ready.then((cc) => cc.validateNumber(...)) -->
\`\`\`

The script-tag file fetches \`${FILES.wasm}\` with this hash baked in: \`${integrity[FILES.wasm]}\`.
Every file's sha384 is in \`${FILES.integrity}\`. The page needs no CSP relaxation beyond
\`script-src 'self' 'wasm-unsafe-eval'\`. Served from another origin (a CDN), the files need
\`Access-Control-Allow-Origin\`: integrity checks apply to CORS requests only.
`;
}

// wasm-bindgen types the raw WebAssembly exports (the `InitOutput` interface and
// card_capture_bg.wasm.d.ts) with `any` wherever the ABI passes an externref. Those values are
// opaque handles nobody should read, so `unknown` states the same thing without switching type
// checking off; the public functions keep the types the crate declares.
function rawExportTypes(dts, { wholeFile }) {
  // wasm-bindgen declares `[Symbol.dispose]()` on exported classes (TC39 explicit resource
  // management), which only type-checks with TypeScript's esnext lib; the method still exists
  // at run time, and `free()` does the same for everyone else.
  const text = dts.toString('utf8').replace(/^[ \t]*\[Symbol\.dispose\]\(\): void;\n/gm, '');
  if (wholeFile) return text.replace(/\bany\b/g, 'unknown');
  return text.replace(/export interface InitOutput \{[^}]*\}/, (block) => block.replace(/\bany\b/g, 'unknown'));
}

/**
 * Writes `wanted` (name → bytes, or name → object for a subdirectory) into `dir`, touching only
 * changed files; removes the rest.
 */
function syncDir(dir, wanted) {
  fs.mkdirSync(dir, { recursive: true });
  const changed = [];
  for (const [name, bytes] of Object.entries(wanted)) {
    const file = path.join(dir, name);
    if (typeof bytes === 'object' && !Buffer.isBuffer(bytes)) {
      changed.push(...syncDir(file, bytes).map((n) => `${name}/${n}`));
      continue;
    }
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    if (fs.existsSync(file) && fs.readFileSync(file).equals(buf)) continue;
    fs.writeFileSync(`${file}.tmp`, buf);
    fs.renameSync(`${file}.tmp`, file);
    changed.push(name);
  }
  for (const name of fs.readdirSync(dir)) {
    if (!(name in wanted)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  return changed;
}

// The declarations of the validate entry's functions and of the types they use, taken from
// the full module's .d.ts so that both entry points type them identically.
const VALIDATE_FUNCTIONS = ['validateNumber', 'validateExpiry', 'validateCvv', 'validateHolder',
  'formatNumber', 'formatExpiry', 'setBinTable'];
const VALIDATE_INTERFACES = ['CardBrand', 'Validation', 'NumberValidation', 'ExpiryValidation',
  'YearMonth', 'Formatted', 'BinTableBrand', 'BinTable', 'SetBinTableOptions', 'BinTableError'];

/** One top-level `export interface|function NAME` of a .d.ts, with its doc comment. */
function declaration(dts, kind, name) {
  const end = kind === 'interface' ? String.raw`\n\}\n` : String.raw`;\n`;
  const re = new RegExp(String.raw`(?:^/\*\*(?:[^*]|\*(?!/))*\*/\n)?^export ${kind} ${name}\b[\s\S]*?${end}`, 'm');
  const found = re.exec(dts);
  if (!found) throw new Error(`${FILES.types} has no \`export ${kind} ${name}\``);
  return found[0];
}

function validateTypes(fullTypes, ownTypes) {
  const init = ownTypes.indexOf('export type InitInput');
  if (init < 0) throw new Error('wasm-bindgen declarations of card_validate changed shape; update scripts/build.mjs');
  return [
    '/** card-capture/validate: the validation and formatting functions of card-capture, alone. */',
    ...VALIDATE_INTERFACES.map((name) => declaration(fullTypes, 'interface', name)),
    ...VALIDATE_FUNCTIONS.map((name) => declaration(fullTypes, 'function', name)),
    ownTypes.slice(init),
  ].join('\n');
}

/**
 * wasm-bindgen's glue for card_validate with its one raw export, `run`, made private, then the
 * public wrapper; minified (oxc, through vite), which halves the JavaScript's gzip size.
 */
function validateScript(glue, { version, license }) {
  const raw = 'export function run(';
  if (glue.split(raw).length !== 2 || !glue.includes('export { initSync, __wbg_init as default };')) {
    throw new Error('wasm-bindgen glue of card_validate changed shape; update scripts/build.mjs');
  }
  const wrapper = fs.readFileSync(path.join(VALIDATE_DIR, 'js', 'validate.js'), 'utf8');
  const source = glue.replace(raw, 'function run(') + wrapper;
  return minify(FILES.validateEsm, source, `card-capture/validate ${version} (${license})`);
}

/** The validation-only entry point: pkg/validate/ file name → bytes. */
function buildValidate(meta, fullTypes) {
  const wasmIn = cargoBuild(VALIDATE_CRATE, VALIDATE_LIB);
  const work = path.join(meta.targetDirectory, 'card-capture-pkg', 'validate');
  fs.mkdirSync(work, { recursive: true });
  const web = bindgen(wasmIn, 'web', path.join(work, 'web'));
  const opt = wasmOpt(web(`${VALIDATE_LIB}_bg.wasm`), work, VALIDATE_WASM_OPT_FLAGS);
  const renamed = renameImports(opt.bytes, `./${VALIDATE_LIB}_bg.js`);
  const glue = renameGlue(web(`${VALIDATE_LIB}.js`).toString('utf8'), `./${VALIDATE_LIB}_bg.js`, renamed);
  const ownTypes = rawExportTypes(web(`${VALIDATE_LIB}.d.ts`), { wholeFile: true });
  const name = (file) => path.basename(file);
  return {
    opt,
    files: {
      [name(FILES.validateEsm)]: validateScript(glue, meta),
      [name(FILES.validateTypes)]: validateTypes(fullTypes, ownTypes),
      [name(FILES.validateWasm)]: renamed.bytes,
    },
  };
}

/**
 * The isolated fields' frame: pkg/fields/ file name → bytes. Its document names every file it
 * loads with its sha384 (the module files are served beside it under the same names), so the
 * frame runs exactly this build.
 */
function buildFields(integrity) {
  const src = (name) => fs.readFileSync(path.join(ROOT, 'src', 'fields', name));
  const js = src('frame.js');
  const css = src('fields.css');
  const hashes = {
    [FILES.global]: integrity[FILES.global],
    [FILES.css]: integrity[FILES.css],
    'frame.js': sri(js),
    'fields.css': sri(css),
  };
  const html = src('frame.html').toString('utf8').replace(/\{\{([\w.-]+)\}\}/g, (_, name) => {
    if (!hashes[name]) throw new Error(`src/fields/frame.html names ${name}, which has no hash`);
    return hashes[name];
  });
  return { 'frame.html': html, 'frame.js': js, 'fields.css': css };
}

/**
 * The languages loaded on demand: pkg/locales/<tag>.js, an ES module whose default export is
 * the texts in message-id order (what registerLocale() takes), <tag>.json as written (for
 * pages without a bundler), and the loader. Every catalogue must list the same ids in the same
 * order (the i18n tests hold them to the module's ids); the loader must import each.
 */
function buildLocales() {
  const loader = fs.readFileSync(path.join(JS_DIR, 'locales.js'), 'utf8');
  const files = { 'index.js': loader, 'index.d.ts': fs.readFileSync(path.join(JS_DIR, 'locales.d.ts')) };
  let ids = null;
  for (const name of fs.readdirSync(LOCALES_DIR).filter((n) => n.endsWith('.json')).sort()) {
    const tag = path.basename(name, '.json');
    const source = fs.readFileSync(path.join(LOCALES_DIR, name), 'utf8');
    const messages = JSON.parse(source);
    const keys = Object.keys(messages);
    ids ??= keys;
    if (keys.join() !== ids.join()) throw new Error(`src/locales/${name}: its ids differ from the other catalogues'`);
    if (!loader.includes(`import('./${tag}.js')`)) throw new Error(`src/js/locales.js does not load ${tag}`);
    files[`${tag}.js`] = `export default ${JSON.stringify(Object.values(messages))};\n`;
    files[`${tag}.json`] = source;
  }
  return files;
}

/** The framework components and what they share, as written (plain ES modules, no JSX). */
function buildFrameworks() {
  const read = (name) => fs.readFileSync(path.join(JS_DIR, name));
  return {
    'lifecycle.js': read('lifecycle.js'),
    react: { 'index.js': read('react.js'), 'index.d.ts': read('react.d.ts') },
    vue: { 'index.js': read('vue.js'), 'index.d.ts': read('vue.d.ts') },
  };
}

function main() {
  const started = Date.now();
  const wasmIn = cargoBuild();
  const meta = crateMetadata();
  const work = path.join(meta.targetDirectory, 'card-capture-pkg');
  fs.mkdirSync(work, { recursive: true });

  const web = bindgen(wasmIn, 'web', path.join(work, 'web'));
  const noModules = bindgen(wasmIn, 'no-modules', path.join(work, 'no-modules'), ['--no-typescript']);
  // Both entry points must share one .wasm: the glue differs, the module must not.
  if (!web(FILES.wasm).equals(noModules(FILES.wasm))) {
    throw new Error('wasm-bindgen emitted different .wasm files for --target web and no-modules');
  }
  const opt = wasmOpt(web(FILES.wasm), work);
  const renamed = renameImports(opt.bytes, `./${LIB}_bg.js`);
  const glue = (bytes) => Buffer.from(renameGlue(bytes.toString('utf8'), `./${LIB}_bg.js`, renamed));
  const esmBanner = `card-capture ${meta.version} (${meta.license})`;
  const esm = Buffer.from(minify(FILES.esm, glue(web(FILES.esm)).toString('utf8'), esmBanner));
  const wasm = renamed.bytes;

  const wasmIntegrity = sri(wasm);
  const global = globalScript(glue(noModules(`${LIB}.js`)), { ...meta, wasmIntegrity });
  const cssBytes = fs.readFileSync(path.join(ROOT, 'src', FILES.css));
  const integrity = {
    [FILES.esm]: sri(esm),
    [FILES.global]: sri(global),
    [FILES.wasm]: wasmIntegrity,
    [FILES.css]: sri(cssBytes),
  };
  const fields = buildFields(integrity);
  for (const [name, bytes] of Object.entries(fields)) integrity[`fields/${name}`] = sri(Buffer.from(bytes));
  const types = rawExportTypes(web(FILES.types), { wholeFile: false });
  const validate = buildValidate(meta, types);
  const shipped = {
    [FILES.esm]: esm,
    [FILES.types]: types,
    [FILES.wasm]: wasm,
    [FILES.wasmTypes]: rawExportTypes(web(FILES.wasmTypes), { wholeFile: true }),
    [FILES.global]: global,
    [FILES.globalTypes]: globalTypes(),
    [FILES.integrity]: `${JSON.stringify(integrity, null, 2)}\n`,
    [FILES.css]: cssBytes,
  };
  const validateFiles = [FILES.validateEsm, FILES.validateTypes, FILES.validateWasm];
  const fieldsFiles = [FILES.fieldsHtml, FILES.fieldsJs, FILES.fieldsCss];
  const locales = buildLocales();
  const localeTags = Object.keys(locales).filter((n) => n.endsWith('.json')).map((n) => path.basename(n, '.json'));
  const frameworks = buildFrameworks();
  const changed = syncDir(PKG_DIR, {
    ...shipped,
    ...frameworks,
    locales,
    [path.dirname(FILES.validateEsm)]: validate.files,
    [path.dirname(FILES.fieldsHtml)]: fields,
    'README.md': readme(meta, integrity),
    'package.json': packageJson(meta, [...Object.keys(shipped), ...validateFiles, ...fieldsFiles,
      'lifecycle.js', 'locales/', 'react/', 'vue/'], localeTags),
  });

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`card-capture ${meta.version} → pkg/ in ${secs} s (wasm-opt ${opt.cached ? 'cached' : 'ran'}; `
    + `${changed.length ? `updated ${changed.join(', ')}` : 'no file changed'})`);
  console.log(`  ${FILES.wasm}  ${wasm.length} B`);
  console.log(`  ${FILES.validateWasm}  ${validate.files[path.basename(FILES.validateWasm)].length} B `
    + `(wasm-opt ${validate.opt.cached ? 'cached' : 'ran'})`);
  console.log('Script tag (integrity also in pkg/integrity.json):');
  console.log(`  <script src=".../${FILES.global}" integrity="${integrity[FILES.global]}" crossorigin="anonymous"></script>`);
}

try {
  process.env.PATH = toolEnv().PATH;
  main();
} catch (err) {
  console.error(`build failed: ${err.message}`);
  process.exitCode = 1;
}
