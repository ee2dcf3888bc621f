#!/usr/bin/env node
// npm run bench:validate: validateNumber through the JS ↔ WebAssembly boundary, next to
// card-validator's number() (the validator Braintree ships) on the same inputs in the same run,
// for the full module and for the validation-only entry point `card-capture/validate`; then the
// validate entry's download size against card-validator bundled and minified here (vite's
// library build: rolldown + oxc) and gzipped the same way.
// A measurement, not a test: it prints figures and asserts nothing.
//
// Method: the inputs below are called round-robin; each run lasts BENCH_SECONDS (default 1) after
// a warm-up; the figure is the median of BENCH_RUNS (default 5) runs. Results are folded into a
// checksum so that no call can be optimised away. BENCH_JSON=1 prints the figures as one JSON
// line on stdout (the lines below go to stderr), for `npm run bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import cardValidator from 'card-validator';
import { build } from 'vite';
import { FILES, PKG_DIR, ROOT, gzipSize } from './lib/files.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 1);
const RUNS = Number(process.env.BENCH_RUNS || 5);
const JSON_OUT = process.env.BENCH_JSON === '1';
// In JSON mode stdout carries the one JSON line only; the readable lines still show, on stderr.
const say = JSON_OUT ? console.error : console.log;

// What a checkout sees: complete numbers of several brands, typed with and without spaces,
// numbers being typed, typos, and junk.
const INPUTS = [
  '4242424242424242', // Visa
  '5555555555554444', // Mastercard 51-55
  '2223003122003222', // Mastercard 2-series
  '378282246310005', // American Express
  '6011111111111117', // Discover
  '3566002020360505', // JCB
  '6200000000000005', // UnionPay
  '36227206271667', // Diners Club
  '4242 4242 4242 4242', // formatted, as the field holds it
  '4970 1011 2233 4455', // Cartes Bancaires co-badged with Visa
  '4111', // partial
  '5', // first digit
  '4970 10', // partial, CB range
  '4242424242424241', // Luhn failure
  '1234567812345678', // no brand
  '', // empty field
];

function measure(fn) {
  let sink = 0;
  const runOnce = (seconds) => {
    const end = performance.now() + seconds * 1000;
    let calls = 0;
    const start = performance.now();
    let now = start;
    while (now < end) {
      for (let i = 0; i < INPUTS.length; i += 1) sink += fn(INPUTS[i]);
      calls += INPUTS.length;
      now = performance.now();
    }
    return calls / ((now - start) / 1000);
  };
  runOnce(Math.min(SECONDS, 0.5));
  const rates = Array.from({ length: RUNS }, () => runOnce(SECONDS)).sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)], min: rates[0], max: rates[rates.length - 1], sink };
}

const wasmPath = path.join(PKG_DIR, FILES.wasm);
if (!fs.existsSync(wasmPath) || !fs.existsSync(path.join(PKG_DIR, FILES.validateWasm))) {
  console.error('pkg/ is missing: run `npm run build` first');
  process.exit(1);
}
const cc = await import(pathToFileURL(path.join(PKG_DIR, FILES.esm)).href);
cc.initSync({ module: fs.readFileSync(wasmPath) });
const cv = await import(pathToFileURL(path.join(PKG_DIR, FILES.validateEsm)).href);
cv.initSync({ module: fs.readFileSync(path.join(PKG_DIR, FILES.validateWasm)) });

const cases = [
  ['card-capture validateNumber', (s) => (cc.validateNumber(s).valid ? 1 : 0)],
  ['card-validator number()', (s) => (cardValidator.number(s).isValid ? 1 : 0)],
  ['card-capture formatNumber', (s) => cc.formatNumber(s, s.length).caret],
  ['/validate validateNumber', (s) => (cv.validateNumber(s).valid ? 1 : 0)],
  ['/validate formatNumber', (s) => cv.formatNumber(s, s.length).caret],
];

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
say(`node ${process.version}, ${cpu}, ${os.availableParallelism()} cores`);
say(`${INPUTS.length} inputs round-robin, ${RUNS} runs of ${SECONDS} s, median (min–max)\n`);
const results = {};
for (const [name, fn] of cases) {
  const r = measure(fn);
  results[name] = r;
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  say(`${name.padEnd(30)} ${fmt(r.median).padStart(11)} ops/s  ${(1e9 / r.median).toFixed(0).padStart(6)} ns/op  `
    + `(${fmt(r.min)}–${fmt(r.max)})`);
}
const anchor = results['card-validator number()'].median;
const ratio = results['card-capture validateNumber'].median / anchor;
say(`\nvalidateNumber / card-validator number(): ${ratio.toFixed(1)}× the calls per second`);
const validateRatio = results['/validate validateNumber'].median / anchor;
say(`card-capture/validate validateNumber / card-validator number(): ${validateRatio.toFixed(1)}× the calls per second`);

// Download size: the validate entry (its ES module + .wasm) against card-validator with its one
// dependency (credit-card-type) bundled as one minified script, both gzip -9.
const validateGzip = gzipSize(fs.readFileSync(path.join(PKG_DIR, FILES.validateEsm)))
  + gzipSize(fs.readFileSync(path.join(PKG_DIR, FILES.validateWasm)));
const bundled = await build({
  root: ROOT,
  configFile: false,
  logLevel: 'silent',
  build: {
    write: false,
    minify: true,
    lib: { entry: createRequire(import.meta.url).resolve('card-validator'), name: 'cardValidator', formats: ['iife'] },
  },
});
const anchorGzip = gzipSize(Buffer.from((Array.isArray(bundled) ? bundled[0] : bundled).output[0].code));
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
say(`size, gzip -9: card-capture/validate ${kb(validateGzip)} (.js + .wasm), card-validator bundle `
  + `${kb(anchorGzip)}: ${(validateGzip / anchorGzip).toFixed(1)}× its size`);

// Same inputs, different rules: list where the two disagree so the comparison is read fairly.
const differ = INPUTS.filter((s) => cc.validateNumber(s).valid !== cardValidator.number(s).isValid);
if (differ.length > 0) {
  say(`valid flag differs on: ${differ.map((s) => JSON.stringify(s)).join(', ')}`);
}

if (JSON_OUT) {
  console.log(JSON.stringify({
    bench: 'validate',
    opsPerSec: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.median])),
    validateNumberRatio: ratio,
    validateEntryRatio: validateRatio,
    validateEntryGzip: validateGzip,
    cardValidatorGzip: anchorGzip,
  }));
}
