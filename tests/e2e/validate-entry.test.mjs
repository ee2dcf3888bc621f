// The validation-only entry point `card-capture/validate` (pkg/validate/) against the full
// module in headless Chromium: the same calls, in the same order, to both modules in one page,
// must give the same results, the same thrown errors and, after every BIN table change, the
// same brand table. A page that imports only the validate entry loads nothing else, and a Vite
// build of such a page emits the entry's .wasm (its minified glue keeps the
// `new URL(..., import.meta.url)` bundlers look for).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'vite';
import { FILES, PKG_DIR, cspViolations, launchBrowser, openPage, startServer } from './helpers.mjs';

let browser;
let server;
let wwwDir;

// Test pages served at / (the package is at /pkg/), under the demo server's strict CSP.
const PAGES = {
  'both.html': '<!doctype html><link rel="icon" href="data:,"><script type="module" src="/both.js"></script>',
  'both.js': `import initFull, * as full from '/pkg/${FILES.esm}';
import initValidate, * as validate from '/pkg/${FILES.validateEsm}';
await Promise.all([initFull(), initValidate()]);
window.modules = { full, validate };
document.documentElement.dataset.ready = 'yes';
`,
  'only.html': '<!doctype html><link rel="icon" href="data:,"><script type="module" src="/only.js"></script>',
  'only.js': `import init, * as validate from '/pkg/${FILES.validateEsm}';
await init();
window.validate = validate;
document.documentElement.dataset.ready = 'yes';
`,
};

// A merchant's app using the entry by its package name, for the Vite build.
const APP = {
  'index.html': '<!doctype html><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>',
  'main.js': `import init, { validateNumber, formatExpiry } from 'card-capture/validate';
await init();
window.result = { brands: validateNumber('4970101122334455').brands.map((b) => b.id), expiry: formatExpiry('1228').value };
document.documentElement.dataset.ready = 'yes';
`,
};

before(async () => {
  wwwDir = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-validate-'));
  for (const [name, text] of Object.entries(PAGES)) await fs.writeFile(path.join(wwwDir, name), text);
  server = await startServer({ port: 0, wwwDir });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (wwwDir) await fs.rm(wwwDir, { recursive: true, force: true });
});

async function ready(page) {
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'yes');
}

// Runs in the page: every step calls one function with the same arguments on both modules and
// records a structural snapshot of each outcome (own keys in order, prototypes, undefined
// kept apart from absent, thrown errors by name, code and message).
function runCorpus() {
  const { full, validate } = window.modules;
  const snapshot = (v) => {
    if (v === undefined) return ['undefined'];
    if (v === null || typeof v !== 'object') return [typeof v, v];
    if (Array.isArray(v)) return ['array', v.map(snapshot)];
    const proto = Object.getPrototypeOf(v);
    const kind = proto === Object.prototype ? 'object' : (proto?.constructor?.name ?? 'null');
    return [kind, Object.keys(v).map((k) => [k, snapshot(v[k])])];
  };
  const outcome = (mod, fn, args) => {
    try {
      return JSON.stringify(['returned', snapshot(mod[fn](...args()))]);
    } catch (e) {
      return JSON.stringify(['threw', e instanceof Error, e.name, e.code, e.message,
        Object.prototype.hasOwnProperty.call(e, 'code')]);
    }
  };
  const steps = [];
  // `args` is a function so that each module gets its own fresh argument objects.
  const step = (label, fn, args) => {
    steps.push({ label, fn, full: outcome(full, fn, args), validate: outcome(validate, fn, args) });
  };

  // --- Card numbers: every built-in brand, typed in full, in part and with mistakes.
  const numbers = [
    '4242424242424242', '4111111111111111', '4012888888881881', '4000056655665556',
    '4242424242424242424', '424242424242424242', '5555555555554444', '5105105105105100',
    '2223003122003222', '2720990000000007', '378282246310005', '371449635398431',
    '4970101122334455', '4970100000000154', '4970102121041646', '4970103469012066',
    '6759649826438453', '6799990100000000019', '5018000000000009', '6304000000000000',
    '6011111111111117', '6011000990139424', '6445644564456445', '6500000000000002',
    '36227206271667', '30569309025904', '38520000023237', '3056930009020004',
    '3566002020360505', '3530111333300000', '2131000000000008', '1800000000000002',
    '6200000000000005', '6212345678901265', '8171999927660000', '62123456789012345',
    '2200000000000004', '2204000000000000000', '6362970000457013', '5067000000000000',
    '6504050000000002', '6062825624254001', '3841001111222233',
  ];
  const typed = new Set(['', ' ', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '19', '22', '27', '497', '6011 1']);
  for (const n of numbers) {
    for (let i = 1; i <= n.length; i += 1) typed.add(n.slice(0, i));
    typed.add(n.replace(/(\d{4})/g, '$1 ').trim());
    typed.add(n.replace(/(\d{4})/g, '$1-').replace(/-$/, ''));
    typed.add(`${n.slice(0, -1)}${(Number(n.at(-1)) + 1) % 10}`); // Luhn broken
    typed.add(`${n}0`);
  }
  const hostile = [
    '4242a4242 4242 4242', '４２４２４２４２４２４２４２４２', '٤٢٤٢', '4242\t4242', '4242\n4242',
    '4242\u00a04242', '4242\u200b4242', '\u0000', '4242\u0000', '💳4242', '\ud800', '4242\udc00',
    '4'.repeat(10000), ' 4242 4242 4242 4242 ', '--4242', '4 2 4 2', 'null', '<script>',
    '\u202e4242', '4242424242424242'.repeat(3),
  ];
  for (const s of [...typed, ...hostile]) step(`number ${JSON.stringify(s).slice(0, 40)}`, 'validateNumber', () => [s]);
  const nonStrings = () => [undefined, null, 4242424242424242, true, {}, [], ['4242'], new String('4242424242424242'),
    Symbol('x'), 10n, () => '4242'];
  nonStrings().forEach((_, i) => step(`number non-string #${i}`, 'validateNumber', () => [nonStrings()[i]]));

  // --- Expiry, with `today` given in every shape, malformed ones included.
  const expiries = ['', '1', '0', '00', '01', '1/', '12', '12/', '12 /', '12 / ', '12/2', '12/20', '12/28',
    '12 / 28', '12/2028', '1228', '122028', '1/28', '01/28', '13/28', '00/28', '11/26', '10/26',
    '11/46', '12/46', '12/2046', '12-28', '12 28', ' 12/28 ', '12/19', '12/99', '12/202', '12/20288',
    '１２/２８', '12/28\u0000', 'aa/bb', '12//28', '/28', '12/2a', '9/9'];
  const todays = () => [
    { year: 2026, month: 11 }, { year: 2026, month: 12 }, { year: 2000, month: 1 }, { year: 9999, month: 12 },
    undefined, null, { year: 2026.5, month: 11 }, { year: 2026, month: 13 }, { year: 1999, month: 12 },
    { year: 10000, month: 1 }, { year: '2026', month: 11 }, { year: 2026 }, {}, 5, 'today', true,
    { year: NaN, month: 1 }, { year: Infinity, month: 1 }, { year: -2026, month: 1 }, { year: 2026, month: 0 },
    Object.assign(Object.create(null), { year: 2026, month: 11 }),
    Object.assign(() => 0, { year: 2026, month: 11 }),
    { get year() { throw new Error('no year'); }, month: 11 },
    { year: 1e12, month: 1 }, { year: 2026, month: 11.0000001 }, [2026, 11],
  ];
  for (const e of expiries) {
    todays().forEach((_, t) => step(`expiry ${JSON.stringify(e)} today #${t}`, 'validateExpiry', () => [e, todays()[t]]));
  }
  nonStrings().forEach((_, i) => step(`expiry non-string #${i}`, 'validateExpiry', () => [nonStrings()[i], { year: 2026, month: 11 }]));

  // --- CVV for every brand id, unknown ones and non-strings.
  const brandIds = () => ['visa', 'mastercard', 'amex', 'cb', 'maestro', 'discover', 'diners', 'jcb', 'unionpay',
    'mir', 'elo', 'hipercard', undefined, null, '', 'nope', 'VISA', 42, {}];
  for (const c of ['', '1', '12', '123', '1234', '12345', '012', '12a', ' 123', '123 ', '１２３', '\u0000\u0000\u0000']) {
    brandIds().forEach((_, b) => step(`cvv ${JSON.stringify(c)} brand #${b}`, 'validateCvv', () => [c, brandIds()[b]]));
  }
  nonStrings().forEach((_, i) => step(`cvv non-string #${i}`, 'validateCvv', () => [nonStrings()[i], 'visa']));

  // --- Cardholder names.
  const holders = ['', 'J', 'Jo', 'Jean Dupont', '  Zoë O\'Brien-Dupont ', 'Zoe\u0301 Dupont', 'José María',
    'Łukasz Żółć', 'Мария Иванова', '山田 太郎', 'محمد علي', 'J. R. R. Tolkien', 'O’Neil', 'Jean2',
    '4970 1011 2233 4455', 'A'.repeat(45), 'A'.repeat(46), 'A '.repeat(30), '😀 Smile', 'Jean_Dupont',
    'Jean, Dupont', 'Jean\tDupont', 'Jean\u202eDupont', '\u0301\u0301', '...', '- -', '\ud800abc',
    '𝔄𝔅𝔇 Fraktur', 'x'.repeat(5000), ' '.repeat(50), 'Ａｌｉｃｅ'];
  for (const h of holders) step(`holder ${JSON.stringify(h).slice(0, 40)}`, 'validateHolder', () => [h]);
  nonStrings().forEach((_, i) => step(`holder non-string #${i}`, 'validateHolder', () => [nonStrings()[i]]));

  // --- Formatting with caret positions and edit kinds.
  const carets = (s) => [undefined, null, 0, 1, Math.floor(s.length / 2), s.length, s.length + 5, -1, 2.7, NaN,
    Infinity, -Infinity, 1e12, '3'];
  const inputTypes = [undefined, 'insertText', 'insertFromPaste', 'deleteContentBackward', 'deleteContentForward',
    'deleteByCut', 'historyUndo', '', 42];
  const numberFields = ['', '4', '4242', '42424', '4242 4', '4242 42424', '4242 424', '4970101122334455',
    '4970 1011 2233 4455', '378282246310005', '3782 822463 10005', '3782 82246', '36227206271667',
    '4242424242424242424', '42424242424242424242424', '4242 4242 4242 4242 4242', '42a42', '٤٢٤٢', ' 4242 ',
    '4242  4242', '\ud83d\udcb3 4242'];
  for (const s of numberFields) {
    for (const c of carets(s)) {
      for (const t of inputTypes) step(`formatNumber ${JSON.stringify(s)} ${c} ${t}`, 'formatNumber', () => [s, c, t]);
    }
  }
  const expiryFields = ['', '1', '2', '9', '0', '00', '1/', '11', '13', '12 /', '12 / ', '12 /2', '12 / 2',
    '12 / 28', '12 /28', '1 / 28', '2 / 28', '12 / 202', '12 / 2028', '12/2028', '1228', '122028', '12-28',
    '12 / 285', 'ab', '１２'];
  for (const s of expiryFields) {
    for (const c of carets(s)) {
      for (const t of inputTypes) step(`formatExpiry ${JSON.stringify(s)} ${c} ${t}`, 'formatExpiry', () => [s, c, t]);
    }
  }
  nonStrings().forEach((_, i) => {
    step(`formatNumber non-string #${i}`, 'formatNumber', () => [nonStrings()[i], 2, 'insertText']);
    step(`formatExpiry non-string #${i}`, 'formatExpiry', () => [nonStrings()[i]]);
  });

  // --- BIN table updates, each followed by the checks that show the table both modules hold.
  const probe = ['4', '41', '4137 89', '4137 8900 0000 0003', '4970 10', '4970101122334455', '5131 2200 0000 0009',
    '6703', '6703 0000 0000 0003', '6703000000000000003', '2', '5', '6', '9999 9999 9999 9995', '378282246310005'];
  const afterTable = (label) => {
    for (const s of probe) step(`${label} → number ${s}`, 'validateNumber', () => [s]);
    for (const s of ['6703000000000', '41378900']) step(`${label} → format ${s}`, 'formatNumber', () => [s]);
    for (const b of ['cb', 'bcmc', 'visa', 'zz']) step(`${label} → cvv ${b}`, 'validateCvv', () => ['123', b]);
  };
  const many = (n, f) => Array.from({ length: n }, (_, i) => f(i));
  const brand = (id, extra = {}) => ({
    id, name: `Brand ${id}`, paylineType: id.toUpperCase(), ranges: ['9999'], lengths: [16], cvvLength: 3, ...extra,
  });
  const tables = [
    // malformed_table: what the JS shape check refuses
    ['not an object', () => [5]], ['null', () => [null]], ['string', () => ['brands']], ['array', () => [[]]],
    ['no brands', () => [{}]], ['brands null', () => [{ brands: null }]], ['brands object', () => [{ brands: {} }]],
    ['unknown top field', () => [{ brands: [], extra: 1 }]],
    ['long unknown field', () => [{ brands: [], ['x'.repeat(40) + 'é'.repeat(3)]: 1 }]],
    ['lone surrogate field', () => [{ brands: [{ id: 'cb', '\ud800bad': 1 }] }]],
    ['brand not object', () => [{ brands: ['cb'] }]], ['brand array', () => [{ brands: [['cb']] }]],
    ['brand hole', () => [{ brands: [, { id: 'cb' }] }]], // eslint-disable-line no-sparse-arrays
    ['brand unknown field', () => [{ brands: [{ id: 'cb', Ranges: ['4'] }] }]],
    ['id missing', () => [{ brands: [{ ranges: ['4'] }] }]], ['id number', () => [{ brands: [{ id: 5 }] }]],
    ['id null', () => [{ brands: [{ id: null }] }]],
    ['ranges not array', () => [{ brands: [{ id: 'cb', ranges: '413789' }] }]],
    ['ranges number', () => [{ brands: [{ id: 'cb', ranges: [413789] }] }]],
    ['ranges checked before id', () => [{ brands: [{ id: 5, ranges: [4] }] }]],
    ['name number', () => [{ brands: [{ id: 'cb', name: 5 }] }]],
    ['paylineType bool', () => [{ brands: [{ id: 'cb', paylineType: true }] }]],
    ['lengths not array', () => [{ brands: [{ id: 'cb', lengths: 16 }] }]],
    ['lengths fraction', () => [{ brands: [{ id: 'cb', lengths: [16.5] }] }]],
    ['lengths 256', () => [{ brands: [{ id: 'cb', lengths: [256] }] }]],
    ['lengths negative', () => [{ brands: [{ id: 'cb', lengths: [-1] }] }]],
    ['lengths string', () => [{ brands: [{ id: 'cb', lengths: ['16'] }] }]],
    ['gaps NaN', () => [{ brands: [{ id: 'cb', gaps: [NaN] }] }]],
    ['cvvLength string', () => [{ brands: [{ id: 'cb', cvvLength: '3' }] }]],
    ['cvvRequired string', () => [{ brands: [{ id: 'cb', cvvRequired: 'yes' }] }]],
    ['luhn number', () => [{ brands: [{ id: 'cb', luhn: 1 }] }]],
    ['throwing getter', () => [{ brands: [{ id: 'cb', get ranges() { throw new Error('boom'); } }] }]],
    // invalid_mode and how options are read
    ['mode merge', () => [{ brands: [] }, { mode: 'merge' }]], ['mode number', () => [{ brands: [] }, { mode: 1 }]],
    ['mode String object', () => [{ brands: [{ id: 'cb' }] }, { mode: new String('extend') }]],
    ['mode null', () => [{ brands: [{ id: 'cb' }] }, { mode: null }]],
    ['options primitive', () => [{ brands: [{ id: 'cb' }] }, 'replace']],
    ['mode checked before table', () => [5, { mode: 'nope' }]],
    // card-core's BinTable::apply errors
    ['empty replace', () => [{ brands: [] }, { mode: 'replace' }]],
    ['too many brands', () => [{ brands: many(65, (i) => brand(`b${i}`)) }, { mode: 'replace' }]],
    ['too many ranges', () => [{ brands: [{ id: 'cb', ranges: many(1025, (i) => String(100000 + i)) }] }]],
    ['bad id', () => [{ brands: [brand('Bad Id')] }]], ['long id', () => [{ brands: [brand('x'.repeat(33))] }]],
    ['duplicate', () => [{ brands: [brand('zz'), brand('zz')] }]],
    ['missing lengths', () => [{ brands: [{ id: 'zz', name: 'Z', paylineType: 'Z', ranges: ['9'], cvvLength: 3 }] }]],
    ['missing ranges', () => [{ brands: [brand('zz', { ranges: [] })] }]],
    ['bad range', () => [{ brands: [{ id: 'cb', ranges: ['4-41'] }] }]],
    ['bad range text', () => [{ brands: [{ id: 'cb', ranges: ['4,5\u0007'.repeat(20)] }] }]],
    ['low above high', () => [{ brands: [{ id: 'cb', ranges: ['49-41'] }] }]],
    ['lengths 11', () => [{ brands: [{ id: 'cb', lengths: [11] }] }]], ['lengths empty', () => [{ brands: [{ id: 'cb', lengths: [] }] }]],
    ['gaps unsorted', () => [{ brands: [{ id: 'cb', gaps: [8, 4] }] }]], ['gaps 19', () => [{ brands: [{ id: 'cb', gaps: [19] }] }]],
    ['cvv 5', () => [{ brands: [{ id: 'cb', cvvLength: 5 }] }]],
    ['name control', () => [{ brands: [{ id: 'cb', name: 'C\nB' }] }]],
    ['name too long', () => [{ brands: [{ id: 'cb', name: 'n'.repeat(41) }] }]],
    ['paylineType lowercase', () => [{ brands: [{ id: 'cb', paylineType: 'cb' }] }]],
    ['id with control', () => [{ brands: [brand('a\u0001b')] }]],
    // successful updates, then the same checks again
    ['extend cb', () => [{ brands: [{ id: 'cb', ranges: ['413789', '5131-5132'] }] }]],
    ['add bcmc', () => [{ brands: [{ id: 'bcmc', name: 'Bancontact', paylineType: 'BCMC', ranges: ['6703'],
      lengths: [19, 16, 17, 18, 16], gaps: [4, 8, 12, 16], cvvLength: 3, cvvRequired: false, luhn: true, coBadge: false }] }, { mode: 'extend' }]],
    ['visa unknown after extend', () => [{ brands: [{ id: 'visa', cvvRequired: false, luhn: false, name: 'VISA card' }] }]],
    ['null fields are absent', () => [{ brands: [{ id: 'cb', name: null, ranges: null, coBadge: null }] }, null]],
    ['replace', () => [{ brands: [brand('zz', { ranges: ['9', '41'], lengths: [16, 19], gaps: [4, 10], coBadge: false }),
      brand('co', { ranges: ['9999'], coBadge: true, cvvLength: 4 })] }, { mode: 'replace' }]],
    ['extend after replace', () => [{ brands: [{ id: 'visa', name: 'Visa', paylineType: 'VISA', ranges: ['4'], lengths: [16], cvvLength: 3 }] }]],
  ];
  for (const [label, args] of tables) {
    step(`setBinTable ${label}`, 'setBinTable', args);
    afterTable(label);
  }
  return steps;
}

describe('card-capture/validate', () => {
  it('answers exactly as the full module: results, errors and BIN table changes', async () => {
    const { page, problems } = await openPage(browser.context, `${server.url}both.html`);
    await ready(page);
    const steps = await page.evaluate(runCorpus);
    const differ = steps.filter((s) => s.full !== s.validate);
    assert.deepEqual(differ.slice(0, 5), [], `${differ.length} of ${steps.length} steps differ`);
    // The corpus reaches every kind of answer, so agreeing means something.
    assert.ok(steps.length > 5000, `${steps.length} steps`);
    const kinds = (fn) => new Set(steps.filter((s) => s.fn === fn).map((s) => s.full));
    for (const fn of ['validateNumber', 'validateExpiry', 'validateCvv', 'validateHolder', 'formatNumber', 'formatExpiry']) {
      assert.ok(kinds(fn).size >= 3, `${fn} gives varied answers`);
    }
    const valid = (fn) => steps.some((s) => s.fn === fn && s.full.includes('"valid",["boolean",true]'));
    for (const fn of ['validateNumber', 'validateExpiry', 'validateCvv', 'validateHolder']) assert.ok(valid(fn), `${fn}: some valid`);
    const errorCodes = new Set(steps.filter((s) => s.fn === 'setBinTable').map((s) => JSON.parse(s.full)[3]));
    for (const code of ['malformed_table', 'invalid_mode', 'empty_table', 'too_large', 'invalid_brand_id',
      'duplicate_brand', 'missing_field', 'invalid_range', 'invalid_lengths', 'invalid_gaps',
      'invalid_cvv_length', 'invalid_text']) {
      assert.ok(errorCodes.has(code), `the corpus makes setBinTable throw ${code}`);
    }
    // The successful updates did change the table: a bcmc number is recognised after them.
    const bcmc = steps.find((s) => s.label === 'add bcmc → number 6703');
    assert.match(bcmc.validate, /"bcmc"/);
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('bundles with Vite: the .wasm is emitted as an asset and the built app runs', async () => {
    const app = path.join(wwwDir, 'app');
    await fs.mkdir(app);
    for (const [name, text] of Object.entries(APP)) await fs.writeFile(path.join(app, name), text);
    const outDir = path.join(app, 'dist');
    await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      resolve: { alias: { 'card-capture/validate': path.join(PKG_DIR, FILES.validateEsm) } },
      cacheDir: path.join(app, '.vite'),
      build: { outDir, emptyOutDir: true, target: 'es2022' },
    });
    const wasm = (await fs.readdir(path.join(outDir, 'assets'))).filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `assets: ${wasm}`);
    assert.ok((await fs.readFile(path.join(outDir, 'assets', wasm[0])))
      .equals(await fs.readFile(path.join(PKG_DIR, FILES.validateWasm))), 'the package .wasm, byte for byte');
    // Served as the page's root by the demo server (built pages are plain files).
    const built = await startServer({ port: 0, wwwDir: outDir });
    try {
      const { page, problems } = await openPage(browser.context, built.url);
      await ready(page);
      assert.deepEqual(await page.evaluate(() => window.result), { brands: ['cb', 'visa'], expiry: '12 / 28' });
      assert.deepEqual(problems, []);
      assert.deepEqual(await cspViolations(page), []);
      await page.close();
    } finally {
      await built.close();
    }
  });

  it('loads only its own two files, under the strict CSP', async () => {
    const { page, problems } = await openPage(browser.context, `${server.url}only.html`);
    // Requests of a second, complete load (the first one, started by openPage, has ended).
    await ready(page);
    const requested = [];
    page.on('request', (req) => requested.push(new URL(req.url()).pathname));
    await page.reload();
    await ready(page);
    const visa = await page.evaluate(() => window.validate.validateNumber('4242 4242 4242 4242'));
    assert.equal(visa.valid, true);
    assert.deepEqual(visa.brands, [{ id: 'visa', name: 'Visa', paylineType: 'VISA' }]);
    const exported = await page.evaluate(() => Object.keys(window.validate).sort());
    assert.deepEqual(exported, ['default', 'formatExpiry', 'formatNumber', 'initSync', 'setBinTable',
      'validateCvv', 'validateExpiry', 'validateHolder', 'validateNumber']);
    assert.deepEqual(requested.filter((p) => p.startsWith('/pkg/')).sort(),
      [`/pkg/${FILES.validateEsm}`, `/pkg/${FILES.validateWasm}`]);
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
