#!/usr/bin/env node
// npm run size: bytes a browser downloads from pkg/, raw, gzip -9 and brotli quality 11 (node's
// zlib, the same settings as `gzip -9` and `brotli -q 11`), per file and per entry point.
// `--json` prints the same figures as JSON.
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

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ files, totals }, null, 2));
} else {
  const num = (n) => n.toLocaleString('en-US').padStart(9);
  const row = (label, s) => `${label.padEnd(60)}${num(s.raw)}${num(s.gzip)}${num(s.brotli)}`;
  console.log(`${'pkg/ file'.padEnd(60)}${'raw'.padStart(9)}${'gzip -9'.padStart(9)}${'brotli'.padStart(9)}`);
  for (const [name, s] of Object.entries(files)) console.log(row(name, s));
  console.log('total per entry point (what a page downloads):');
  for (const [entry, s] of Object.entries(totals)) {
    console.log(row(`  ${entry}: ${ENTRY_POINTS[entry].join(' + ')}`, s));
  }
}
