// The npm package in pkg/: what `npm pack` would publish, its manifest, its types, and that the
// ES module runs in node from the packed files alone.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FILES, PKG_DIR, ROOT } from './helpers.mjs';

const manifest = JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8'));

function packedFiles() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', PKG_DIR], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [result] = JSON.parse(out);
  return { name: result.name, version: result.version, files: result.files.map((f) => f.path).sort() };
}

// Strips comments, then finds `any` used as a type.
function anyTypes(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return code.split('\n').filter((line) => /\bany\b/.test(line));
}

const CONSUMER = `
import init, {
  formatExpiry, formatNumber, setBinTable, validateCvv, validateExpiry, validateHolder, validateNumber,
} from 'card-capture';
import type { Formatted, NumberValidation } from 'card-capture';
import type { CardCaptureGlobal } from 'card-capture/card-capture.js';

export async function moduleUse(): Promise<string> {
  await init();
  const n: NumberValidation = validateNumber('4970 1011 2233 4455');
  const ids: string[] = n.brands.map((b) => b.id);
  const flags: boolean = n.valid && n.potentiallyValid && n.cvvRequired;
  const sizes: number[] = [...n.gaps, ...n.lengths, n.cvvLength];
  const e = validateExpiry('12 / 30', { year: 2026, month: 11 });
  const mmyy: string | undefined = e.payline;
  const f: Formatted = formatNumber('4242', 4, 'insertText');
  const g: Formatted = formatExpiry('1', 1);
  const v: boolean = validateCvv('123', 'visa').valid && validateHolder('Jean Dupont').potentiallyValid;
  setBinTable({ brands: [{ id: 'cb', ranges: ['497010'] }] }, { mode: 'extend' });
  // @ts-expect-error: a result has only its declared fields
  n.notAField;
  // @ts-expect-error: the input is a string
  validateNumber(4242);
  // @ts-expect-error: mode is "extend" or "replace"
  setBinTable({ brands: [] }, { mode: 'merge' });
  return [ids, flags, sizes, mmyy, f.value, g.caret, v].join();
}

// The validation-only entry point, typed exactly as the full module's functions.
import initValidate, * as Validate from 'card-capture/validate';
import * as Full from 'card-capture';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const sameTypes: [
  Same<typeof Full.validateNumber, typeof Validate.validateNumber>,
  Same<typeof Full.validateExpiry, typeof Validate.validateExpiry>,
  Same<typeof Full.validateCvv, typeof Validate.validateCvv>,
  Same<typeof Full.validateHolder, typeof Validate.validateHolder>,
  Same<typeof Full.formatNumber, typeof Validate.formatNumber>,
  Same<typeof Full.formatExpiry, typeof Validate.formatExpiry>,
  Same<typeof Full.setBinTable, typeof Validate.setBinTable>,
  Same<Full.NumberValidation, Validate.NumberValidation>,
  Same<Full.BinTableError, Validate.BinTableError>,
] = [true, true, true, true, true, true, true, true, true];

export async function validateOnlyUse(): Promise<string> {
  await initValidate();
  const n: Validate.NumberValidation = Validate.validateNumber('4970 1011 2233 4455');
  const f: Validate.Formatted = Validate.formatExpiry('12', 2, 'insertText');
  Validate.setBinTable({ brands: [{ id: 'cb', ranges: ['413789'] }] }, { mode: 'extend' });
  // @ts-expect-error: a result has only its declared fields
  n.notAField;
  // @ts-expect-error: the input is a string
  Validate.validateHolder(42);
  // @ts-expect-error: the validate entry has no checkout
  Validate.mount;
  return [n.brands[0]?.paylineType, f.value, Validate.validateCvv('123').valid].join();
}

// The languages loaded on demand and the framework components.
import { LOCALES, loadLocale } from 'card-capture/locales';
import type { LocaleTag, MountOptions } from 'card-capture';
import { createElement, createRef } from 'react';
import { CardCheckout as ReactCheckout } from 'card-capture/react';
import type { CardCheckoutRef } from 'card-capture/react';
import { h } from 'vue';
import { CardCheckout as VueCheckout } from 'card-capture/vue';

export async function localeUse(): Promise<LocaleTag> {
  const all: readonly LocaleTag[] = LOCALES;
  const regional: MountOptions['locale'] = 'de-AT';
  // @ts-expect-error: not a language of the module
  const unknown: MountOptions['locale'] = 'sv';
  return (await loadLocale(regional)) ?? all[0] ?? unknown;
}

export function reactUse(): unknown {
  const ref = createRef<CardCheckoutRef>();
  const el = createElement(ReactCheckout, {
    ref,
    locale: 'pt-BR',
    options: { threeDS: { mode: 'iframe' }, isolated: false },
    onResult: (r) => { const s: 'authorized' | 'refused' | 'invalid' | 'pending' | 'error' = r.status; return s; },
    onBrand: (b) => b.coBadged,
  });
  // @ts-expect-error: an event prop gets the event's detail
  createElement(ReactCheckout, { onChange: (d: { nope: number }) => d.nope });
  void ref.current?.submit().then((r) => r.status);
  return el;
}

export function vueUse(): unknown {
  return h(VueCheckout, { locale: 'nl-BE', onResult: (r: { status: string }) => r.status });
}

export async function scriptTagUse(): Promise<boolean> {
  const cc: CardCaptureGlobal = await CardCapture.ready;
  const caret: number = window.CardCapture.formatExpiry('1', 1).caret;
  // @ts-expect-error: initSync is not part of the script-tag API
  cc.initSync;
  // @ts-expect-error: a result has only its declared fields
  cc.validateHolder('x').notAField;
  return cc.validateNumber('4').brands.length + caret > 0;
}
`;

describe('npm package', () => {
  it('packs the module, the script-tag file, the wasm, the types and the integrity table', () => {
    const packed = packedFiles();
    assert.equal(packed.name, 'card-capture');
    assert.equal(packed.version, manifest.version);
    for (const file of Object.values(FILES)) assert.ok(packed.files.includes(file), file);
    assert.ok(packed.files.includes('package.json'));
    assert.ok(packed.files.includes('README.md'));
    // The languages loaded on demand and the framework components.
    const locales = ['de', 'es', 'it', 'nl', 'pl', 'pt'].flatMap((t) => [`locales/${t}.js`, `locales/${t}.json`]);
    const extras = [...locales, 'locales/index.js', 'locales/index.d.ts', 'lifecycle.js',
      'react/index.js', 'react/index.d.ts', 'vue/index.js', 'vue/index.d.ts'];
    // Nothing else slips in (build leftovers, temporary files).
    assert.deepEqual(packed.files, [...Object.values(FILES), ...extras, 'package.json', 'README.md'].sort());
  });

  it('has a manifest whose entry points all exist', () => {
    const cargo = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
    const version = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(cargo)?.[1];
    assert.equal(manifest.version, version, 'version comes from Cargo.toml');
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.types, `./${FILES.types}`);
    assert.deepEqual(manifest.exports['.'], { types: `./${FILES.types}`, import: `./${FILES.esm}` });
    assert.deepEqual(manifest.exports['./validate'], { types: `./${FILES.validateTypes}`, import: `./${FILES.validateEsm}` });
    assert.deepEqual(manifest.sideEffects, [`./${FILES.global}`]);
    assert.deepEqual(manifest.exports['./react'], { types: './react/index.d.ts', import: './react/index.js' });
    assert.deepEqual(manifest.exports['./vue'], { types: './vue/index.d.ts', import: './vue/index.js' });
    assert.deepEqual(manifest.exports['./locales'], { types: './locales/index.d.ts', import: './locales/index.js' });
    // React and Vue come from the page; neither is installed for a page that uses neither.
    assert.deepEqual(manifest.peerDependencies, { react: '>=18', vue: '>=3.5' });
    assert.deepEqual(manifest.peerDependenciesMeta, { react: { optional: true }, vue: { optional: true } });
    assert.equal(manifest.dependencies, undefined);
    // Every subpath and target in `exports` names a file of the package.
    const paths = JSON.stringify(manifest.exports).match(/"\.\/[^"]+"/g).map((s) => JSON.parse(s));
    assert.ok(paths.length >= 8);
    for (const p of paths) assert.ok(fs.existsSync(path.join(PKG_DIR, p)), p);
  });

  it('declares precise types: no `any` in any .d.ts', () => {
    for (const file of [FILES.types, FILES.wasmTypes, FILES.globalTypes, FILES.validateTypes,
      'locales/index.d.ts', 'react/index.d.ts', 'vue/index.d.ts']) {
      const source = fs.readFileSync(path.join(PKG_DIR, file), 'utf8');
      assert.deepEqual(anyTypes(source), [], file);
    }
    const types = fs.readFileSync(path.join(PKG_DIR, FILES.types), 'utf8');
    for (const fn of ['validateNumber', 'validateExpiry', 'validateCvv', 'validateHolder',
      'formatNumber', 'formatExpiry']) {
      assert.match(types, new RegExp(`export function ${fn}\\(`), fn);
    }
  });

  it('types card-capture/validate word for word as the full module (functions, results)', () => {
    const full = fs.readFileSync(path.join(PKG_DIR, FILES.types), 'utf8');
    const validate = fs.readFileSync(path.join(PKG_DIR, FILES.validateTypes), 'utf8');
    const decl = (source, kind, name) => {
      const re = new RegExp(`^export ${kind} ${name}\\b[\\s\\S]*?${kind === 'interface' ? '\\n\\}\\n' : ';\\n'}`, 'm');
      return re.exec(source)?.[0];
    };
    for (const fn of ['validateNumber', 'validateExpiry', 'validateCvv', 'validateHolder', 'formatNumber',
      'formatExpiry', 'setBinTable']) {
      assert.ok(decl(full, 'function', fn), fn);
      assert.equal(decl(validate, 'function', fn), decl(full, 'function', fn), fn);
    }
    for (const name of ['CardBrand', 'Validation', 'NumberValidation', 'ExpiryValidation', 'YearMonth',
      'Formatted', 'BinTableBrand', 'BinTable', 'SetBinTableOptions', 'BinTableError']) {
      assert.ok(decl(full, 'interface', name), name);
      assert.equal(decl(validate, 'interface', name), decl(full, 'interface', name), name);
    }
    // Nothing of the checkout, nor the raw export, is declared there.
    assert.doesNotMatch(validate, /export function (mount|resume|run)\b|CheckoutHandle/);
  });

  it('gives consumers precise types: a strict TypeScript program type-checks against them', () => {
    // A consumer project with `card-capture` installed (a link to pkg/), checked by tsc with
    // the package's own .d.ts included (skipLibCheck off). The @ts-expect-error lines fail the
    // check if a result or argument were typed `any`.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'card-capture-types-'));
    try {
      fs.mkdirSync(path.join(dir, 'node_modules'));
      fs.symlinkSync(PKG_DIR, path.join(dir, 'node_modules', 'card-capture'), 'dir');
      // The consumer's own React (with its types) and Vue, the components' peer dependencies.
      fs.mkdirSync(path.join(dir, 'node_modules', '@types'));
      for (const dep of ['react', 'vue', '@types/react', '@vue']) {
        fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
      }
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          strict: true, noEmit: true, skipLibCheck: false, target: 'ES2022', module: 'ESNext',
          moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [],
        },
        files: ['consumer.ts'],
      }));
      fs.writeFileSync(path.join(dir, 'consumer.ts'), CONSUMER);
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      assert.fail(`tsc rejected the package types:\n${err.stdout || err.message}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs from the package in node (initSync with the wasm bytes)', async () => {
    const mod = await import(pathToFileURL(path.join(PKG_DIR, FILES.esm)).href);
    mod.initSync({ module: fs.readFileSync(path.join(PKG_DIR, FILES.wasm)) });
    const visa = mod.validateNumber('4242 4242 4242 4242');
    assert.equal(visa.valid, true);
    assert.deepEqual(visa.brands.map((b) => b.id), ['visa']);
    assert.deepEqual(mod.formatNumber('4970101122334455', 16), { value: '4970 1011 2233 4455', caret: 19 });
  });

  it('runs the validate entry from the package in node', async () => {
    const mod = await import(pathToFileURL(path.join(PKG_DIR, FILES.validateEsm)).href);
    mod.initSync({ module: fs.readFileSync(path.join(PKG_DIR, FILES.validateWasm)) });
    const cb = mod.validateNumber('4970 1011 2233 4455');
    assert.equal(cb.valid, true);
    assert.deepEqual(cb.brands.map((b) => b.paylineType), ['CB', 'VISA']);
    assert.deepEqual(mod.formatNumber('4970101122334455', 16), { value: '4970 1011 2233 4455', caret: 19 });
    assert.deepEqual(mod.validateExpiry('12/28', { year: 2026, month: 11 }),
      { valid: true, potentiallyValid: true, month: 12, year: 2028, payline: '1228' });
    assert.throws(() => mod.setBinTable({ brands: [] }, { mode: 'replace' }),
      { name: 'BinTableError', code: 'empty_table' });
  });
});
