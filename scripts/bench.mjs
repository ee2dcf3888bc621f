#!/usr/bin/env node
// npm run bench: every benchmark of the performance goals in one run, printed as one Markdown
// table: our figure, the anchor measured in the same run where there is one, the ratio, and the
// goal. The figures come from the existing benches, run here one after the other as child
// processes (never two at once: they would measure each other) and read from their output:
//
//   - the codec's criterion bench (cargo bench -p payline-protocol --bench codec), its printed
//     medians;
//   - the sandbox's doAuthorization bench (2,000 calls, 8 in flight);
//   - payment-server-bench on SQLite, with its trivial axum handler as the framework ceiling;
//     the sandbox's bare doAuthorization calls/s above is the anchor of its checkouts/s (a
//     checkout makes one doAuthorization plus its own work);
//   - size.mjs --json, bench-validate.mjs and bench-browser.mjs with BENCH_JSON=1.
//
// Everything is built in release: pkg/ by scripts/build.mjs (profile wasm-release), when it is
// missing or older than the sources; the Rust benches and the payment server with --release.
// The defaults are the sub-benches' own, except criterion's shorter measurement time: the whole
// run takes about two minutes on a 2-core machine once built. Longer runs give steadier figures:
// CODEC_SECONDS (criterion measurement time per bench, default 3), SANDBOX_CALLS (default
// 2000), SERVER_SECONDS (per load run, default 10), VALIDATE_SECONDS and VALIDATE_RUNS (default 1
// and 5), RUNS (browser checkouts, default 30), INITS and MOUNTS (default 15).
// A measurement, not a test: it asserts nothing about the figures.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FILES, PKG_DIR, ROOT } from './lib/files.mjs';
import { run, toolEnv } from './lib/exec.mjs';

const env = (name, dflt) => process.env[name] || String(dflt);
const log = (msg) => console.error(`[bench] ${msg}`);

// Braintree's published bundles (client + hosted-fields, and with its three-d-secure module),
// gzip -9 of the files it serves; constants, not measured here.
const BRAINTREE_GZIP = 36_200;
const BRAINTREE_3DS_GZIP = 54_100;

/** Runs a command and returns its stdout; its stderr shows as it goes. */
function capture(cmd, args, extraEnv = {}) {
  return run(cmd, args, { cwd: ROOT, capture: true, env: toolEnv(extraEnv) });
}

/** The one JSON line a BENCH_JSON=1 script prints. */
function jsonLine(stdout) {
  const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`no JSON line in:\n${stdout}`);
  return JSON.parse(line);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** pkg/ as the browser gets it; rebuilt when a source of the module is newer. */
function ensurePkg() {
  const wasm = path.join(PKG_DIR, FILES.wasm);
  const sources = ['src', 'crates/card-core/src', 'crates/card-validate-wasm/src']
    .map((d) => path.join(ROOT, d)).filter((d) => fs.existsSync(d));
  const built = fs.existsSync(wasm) && fs.existsSync(path.join(PKG_DIR, FILES.validateWasm))
    ? fs.statSync(wasm).mtimeMs : 0;
  if (built === 0 || sources.some((d) => newestMtime(d) > built)) {
    log('pkg/ is missing or older than the sources: node scripts/build.mjs');
    // Its report goes to stderr with the other progress, so that stdout is the table alone.
    const res = spawnSync('node', ['scripts/build.mjs'], { cwd: ROOT, env: toolEnv(), stdio: ['ignore', 2, 2] });
    if (res.status !== 0) throw new Error(`scripts/build.mjs exited with ${res.status ?? res.signal}`);
  }
}

/** Release executables of the payment-server package, by name. */
function buildServer() {
  log('cargo build --release -p payment-server --bins');
  const out = capture('cargo', ['build', '--release', '-p', 'payment-server', '--bins',
    '--message-format=json-render-diagnostics']);
  const exes = {};
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason === 'compiler-artifact' && msg.executable) exes[msg.target.name] = msg.executable;
  }
  for (const name of ['payment-server', 'payment-server-bench']) {
    if (!exes[name]) throw new Error(`cargo built no ${name}`);
  }
  return exes;
}

const UNIT_US = { ps: 1e-6, ns: 1e-3, 'µs': 1, us: 1, ms: 1e3, s: 1e6 };

/** Criterion's medians in µs by bench name, from its `name  time: [low median high]` lines. */
function criterionMedians(stdout) {
  const out = {};
  const re = /^(\S[^\n]*?)\s*(?:\n\s+)?time:\s+\[\s*([\d.]+) (\S+) ([\d.]+) (\S+) ([\d.]+) (\S+)\s*\]/gm;
  for (const m of stdout.matchAll(re)) {
    const unit = UNIT_US[m[5]];
    if (unit !== undefined) out[m[1].trim()] = Number(m[4]) * unit;
  }
  return out;
}

function codec() {
  log('cargo bench -p payline-protocol --bench codec');
  const secs = env('CODEC_SECONDS', 3);
  const out = capture('cargo', ['bench', '-p', 'payline-protocol', '--bench', 'codec', '--',
    '--warm-up-time', '1', '--measurement-time', secs, '--noplot']);
  process.stderr.write(out);
  const medians = criterionMedians(out);
  // Found by its words, so that a reworded bench name still matches.
  const pick = (kind) => Object.entries(medians)
    .find(([name]) => /doAuthorization/i.test(name) && name.includes(kind) && /decode\s*\+\s*encode/.test(name));
  const request = pick('request');
  if (!request) throw new Error(`no doAuthorization request decode+encode median in criterion's output:\n${out}`);
  return { requestUs: request[1], responseUs: pick('response')?.[1] };
}

function sandbox() {
  log('cargo bench -p payline-sandbox --bench do_authorization');
  const calls = env('SANDBOX_CALLS', 2000);
  const out = capture('cargo', ['bench', '-p', 'payline-sandbox', '--bench', 'do_authorization', '--', calls, '8']);
  process.stderr.write(out);
  const m = /doAuthorization: (\d+) calls, (\d+) in flight, [\d.]+ s, ([\d.]+) calls\/s/.exec(out);
  if (!m) throw new Error(`no calls/s in the sandbox bench's output:\n${out}`);
  return { callsPerSec: Number(m[3]), calls: Number(m[1]), inFlight: Number(m[2]) };
}

function server(exe) {
  log('payment-server-bench (SQLite)');
  const out = capture(exe, ['--seconds', env('SERVER_SECONDS', 10), '--no-postgres']);
  process.stderr.write(out);
  const row = (label) => {
    const m = new RegExp(`^${label}\\s+([\\d.]+)/s\\s+p50\\s+([\\d.]+) ms\\s+p99\\s+([\\d.]+) ms\\s+failed (\\d+)`, 'm').exec(out);
    if (!m) throw new Error(`no "${label}" line in payment-server-bench's output:\n${out}`);
    return { perSec: Number(m[1]), p50: Number(m[2]), p99: Number(m[3]), failed: Number(m[4]) };
  };
  const clients = /(\d+) concurrent clients/.exec(out)?.[1];
  return { trivial: row('axum trivial \\(3 requests\\)'), sqlite: row('checkout, SQLite'), clients };
}

function sizes() {
  log('node scripts/size.mjs --json');
  const { totals } = JSON.parse(capture('node', ['scripts/size.mjs', '--json']));
  return { esm: totals['ES module'].gzip, validate: totals['validation only'].gzip };
}

function validate() {
  log('node scripts/bench-validate.mjs');
  return jsonLine(capture('node', ['scripts/bench-validate.mjs'], {
    BENCH_JSON: '1',
    BENCH_SECONDS: env('VALIDATE_SECONDS', 1),
    BENCH_RUNS: env('VALIDATE_RUNS', 5),
  }));
}

function browser(exe) {
  log('node scripts/bench-browser.mjs (release payment-server)');
  return jsonLine(capture('node', ['scripts/bench-browser.mjs'], {
    BENCH_JSON: '1',
    PAYMENT_SERVER_BIN: exe,
    RUNS: env('RUNS', 30),
    INITS: env('INITS', 15),
    MOUNTS: env('MOUNTS', 15),
  }));
}

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch { /* not Linux: fall back to what node reports */ }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

function chromiumVersion(fromPage) {
  try {
    const exe = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
    // Debian's wrapper script complains on stderr about its environment; the version is on stdout.
    return execFileSync(exe, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return fromPage ? `Chromium ${fromPage}` : 'Chromium (version unknown)';
  }
}

const int = (n) => Math.round(n).toLocaleString('en-US');
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const x = (r, digits = 1) => `${r.toFixed(digits)}×`;
const pct = (r) => `${(r * 100).toFixed(1)} %`;

const started = Date.now();
ensurePkg();
const exes = buildServer();
const res = {};
res.codec = codec();
res.sandbox = sandbox();
res.server = server(exes['payment-server-bench']);
res.size = sizes();
res.validate = validate();
res.browser = browser(exes['payment-server']);

const { codec: c, sandbox: sb, server: sv, size, validate: v, browser: b } = res;
const ops = v.opsPerSec;
const rows = [
  ['doAuthorization request decode + encode (criterion median)',
    `${c.requestUs.toFixed(1)} µs (${int(1e6 / c.requestUs)} msgs/s)`, '—', '—', '≤ 5 µs (≥ 200k msgs/s/core)'],
  ...(c.responseUs ? [['doAuthorization response decode + encode (criterion median)',
    `${c.responseUs.toFixed(1)} µs`, '—', '—', '—']] : []),
  [`sandbox doAuthorization calls/s (${sb.inFlight} in flight, loopback, ${int(sb.calls)} calls)`,
    `${int(sb.callsPerSec)}/s`, '—', '—', '≥ 5,000/s'],
  [`payment-server checkouts/s, SQLite (${sv.clients} clients; p50 ${sv.sqlite.p50.toFixed(0)} ms, p99 ${sv.sqlite.p99.toFixed(0)} ms)`,
    `${sv.sqlite.perSec.toFixed(1)}/s`, `sandbox bare doAuthorization ${int(sb.callsPerSec)}/s (row above)`,
    pct(sv.sqlite.perSec / sb.callsPerSec), '≥ 40 %'],
  ['payment-server checkouts/s against the framework ceiling',
    `${sv.sqlite.perSec.toFixed(1)}/s`, `trivial axum handler, 3 requests per iteration: ${int(sv.trivial.perSec)}/s`,
    (sv.sqlite.perSec / sv.trivial.perSec).toFixed(3), '—'],
  ['browser module, ES module + .wasm, gzip -9', kb(size.esm),
    `Braintree client + hosted fields ${kb(BRAINTREE_GZIP)}, ${kb(BRAINTREE_3DS_GZIP)} with 3-D Secure (published figures, not measured)`,
    `${x(size.esm / BRAINTREE_GZIP, 2)} / ${x(size.esm / BRAINTREE_3DS_GZIP, 2)}`, '≤ 25 KB; below 36.2 KB'],
  ['validation-only entry, .js + .wasm, gzip -9', kb(size.validate),
    `card-validator bundled + minified ${kb(v.cardValidatorGzip)}`, x(size.validate / v.cardValidatorGzip), '≤ 8 KB'],
  ['`validateNumber`, full module, calls/s', `${int(ops['card-capture validateNumber'])}/s`,
    `card-validator \`number()\` ${int(ops['card-validator number()'])}/s`, x(v.validateNumberRatio), '≥ 70×'],
  ['`validateNumber`, validation-only entry, calls/s', `${int(ops['/validate validateNumber'])}/s`,
    `card-validator \`number()\` ${int(ops['card-validator number()'])}/s`, x(v.validateEntryRatio), '—'],
  [`module init (\`await init()\`, fresh page, median of ${b.inits})`, `${b.initMs.toFixed(1)} ms`, '—', '—', '≤ 5 ms'],
  ['keystroke (event → format → validate → DOM), median', `${b.keystrokeUs.toFixed(1)} µs`, '—', '—', '≤ 10 µs'],
  [`frictionless checkout \`submit()\` → \`authorized\`, release server, p50 (p95) of ${b.checkouts}`,
    `${b.checkoutP50Ms.toFixed(0)} ms (${b.checkoutP95Ms.toFixed(0)} ms)`, '—', '—', '≤ 25 ms'],
  [`\`mount()\` → interactive field, isolated fields, median of ${b.mounts}`, `${b.mountIsolatedMs.toFixed(1)} ms`,
    `in-page fields ${b.mountInPageMs.toFixed(2)} ms`, x(b.mountIsolatedMs / b.mountInPageMs, 0), '—'],
];

const wasmBuilt = new Date(fs.statSync(path.join(PKG_DIR, FILES.wasm)).mtimeMs).toISOString().slice(0, 16);
const release = [exes['payment-server'], exes['payment-server-bench']].every((p) => p.split(path.sep).includes('release'));
const machine = `${os.availableParallelism()} cores (nproc), ${cpuModel()}, ${chromiumVersion(b.browser)}, `
  + `node ${process.version}; build: ${release ? 'release' : 'NOT release'} (pkg/ from the wasm-release profile, `
  + `built ${wasmBuilt} UTC; payment-server and the Rust benches --release)`;

const table = [
  '| measure | ours | anchor, same run | ratio | goal |',
  '|---|---:|---|---:|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(`\n${table}\n\nMachine: ${machine}.`);
console.log(`npm run bench, ${new Date().toISOString().slice(0, 16)} UTC, ${((Date.now() - started) / 60000).toFixed(1)} min.`);
