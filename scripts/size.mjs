#!/usr/bin/env node
// npm run size: bytes a browser downloads from pkg/, raw, gzip -9 and brotli quality 11 (node's
// zlib, the same settings as `gzip -9` and `brotli -q 11`), per file and per entry point.
// Then the languages loaded on demand (pkg/locales/<tag>.js, fetched only by a page showing that
// language) one by one, all six together, and their loader. `--json` prints the same figures
// as JSON.
import fs from 'node:fs';
import path from 'node:path';
import { ENTRY_POINTS, FILES, PKG_DIR, brotliSize, gzipSize } from './lib/files.mjs';

const shipped = [FILES.esm, FILES.global, FILES.wasm, FILES.validateEsm, FILES.validateWasm];

function measure(name) {
  const file = path.join(PKG_DIR, name);
  if (!fs.existsSync(file)) {
    console.error(`pkg/${name} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
  const bytes = fs.readFileSync(file);
  return { raw: bytes.length, gzip: gzipSize(bytes), brotli: brotliSize(bytes) };
}

const files = Object.fromEntries(shipped.map((name) => [name, measure(name)]));
const totals = Object.fromEntries(Object.entries(ENTRY_POINTS).map(([entry, names]) => [
  entry,
  names.reduce((sum, n) => ({
    raw: sum.raw + files[n].raw,
    gzip: sum.gzip + files[n].gzip,
    brotli: sum.brotli + files[n].brotli,
  }), { raw: 0, gzip: 0, brotli: 0 }),
]));

const localeTags = fs.readdirSync(path.join(PKG_DIR, 'locales'))
  .filter((n) => n.endsWith('.js') && n !== 'index.js').map((n) => path.basename(n, '.js')).sort();
const locales = Object.fromEntries(localeTags.map((tag) => [tag, measure(`locales/${tag}.js`)]));
const sum = (list) => list.reduce((a, b) => ({
  raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli,
}), { raw: 0, gzip: 0, brotli: 0 });
const allLocales = sum(Object.values(locales));
// The six in one file: about what they would add to the .wasm if they were built in.
const oneFile = Buffer.concat(localeTags.map((tag) => fs.readFileSync(path.join(PKG_DIR, 'locales', `${tag}.js`))));
const allInOne = { raw: oneFile.length, gzip: gzipSize(oneFile), brotli: brotliSize(oneFile) };
const localeLoader = measure('locales/index.js');

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ files, totals, locales, allLocales, allInOne, localeLoader }, null, 2));
} else {
  const num = (n) => n.toLocaleString('en-US').padStart(9);
  const row = (label, s) => `${label.padEnd(60)}${num(s.raw)}${num(s.gzip)}${num(s.brotli)}`;
  console.log(`${'pkg/ file'.padEnd(60)}${'raw'.padStart(9)}${'gzip -9'.padStart(9)}${'brotli'.padStart(9)}`);
  for (const [name, s] of Object.entries(files)) console.log(row(name, s));
  console.log('total per entry point (what a page downloads):');
  for (const [entry, s] of Object.entries(totals)) {
    console.log(row(`  ${entry}: ${ENTRY_POINTS[entry].join(' + ')}`, s));
  }
  console.log('languages loaded on demand (en and fr are in the .wasm):');
  for (const [tag, s] of Object.entries(locales)) console.log(row(`  locales/${tag}.js`, s));
  console.log(row(`  all ${localeTags.length}, each in its file`, allLocales));
  console.log(row(`  all ${localeTags.length} in one file (about their cost built in)`, allInOne));
  console.log(row('  their loader, locales/index.js', localeLoader));
}
