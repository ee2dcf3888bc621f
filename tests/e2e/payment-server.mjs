// The payment server with its embedded sandbox (`payment-server --sandbox`), for the checkout
// end-to-end tests: built once with cargo (honouring CARGO_TARGET_DIR; see workspaceBinary), started per test file
// on loopback port 0 in a temporary directory (its SQLite files live there), serving www/ and
// pkg/ from the repository.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { PKG_DIR, ROOT } from '../../scripts/lib/files.mjs';
import { run, toolEnv } from '../../scripts/lib/exec.mjs';

// The sandbox's built-in merchant (crates/payment-server/src/config.rs, sandbox_merchant):
// Basic credentials of the sandbox control endpoints.
const SANDBOX_MERCHANT = '12345678901234';
const SANDBOX_ACCESS_KEY = 'SANDBOXACCESSKEY0001';

let executables;

/**
 * The path of the workspace binary `name` (`payment-server`, `payline-sandbox`), built once per
 * process. It is built by `cargo test --workspace --no-run`: `npm test` has just run
 * `cargo test --workspace`, which compiled every dependency with the features the whole
 * workspace's tests unify to, so this is a no-op there. A plain `cargo build -p` would resolve
 * other features and compile many dependencies a second time.
 */
export function workspaceBinary(name) {
  if (!executables) {
    const out = run('cargo', ['test', '--workspace', '--no-run', '--message-format=json-render-diagnostics'], {
      cwd: ROOT, capture: true, env: toolEnv(),
    });
    executables = new Map();
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line);
      if (msg.reason === 'compiler-artifact' && msg.executable && !msg.profile?.test
        && msg.target?.kind?.includes('bin')) {
        executables.set(msg.target.name, msg.executable);
      }
    }
  }
  const exe = executables.get(name);
  if (!exe) throw new Error(`cargo built no ${name} executable`);
  return exe;
}

/**
 * The payment-server executable; PAYMENT_SERVER_BIN names a ready-made one instead.
 */
export function paymentServerBinary() {
  return process.env.PAYMENT_SERVER_BIN || workspaceBinary('payment-server');
}

/**
 * Starts `payment-server --sandbox`; resolves to `{url, sandboxUrl, close()}`. With
 * `sandboxUrl`, the server uses that payline-sandbox (`--sandbox-url`, loopback only) instead
 * of its embedded one.
 */
export async function startPaymentServer({ env = {}, sandboxUrl } = {}) {
  const exe = paymentServerBinary();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-server-'));
  await fs.mkdir(path.join(dir, 'data'));
  const args = ['--sandbox', '--listen', '127.0.0.1:0'];
  if (sandboxUrl) args.push('--sandbox-url', sandboxUrl);
  const child = spawn(exe, args, {
    cwd: dir,
    env: {
      ...process.env,
      WWW_DIR: path.join(ROOT, 'www'),
      PKG_DIR,
      DATABASE_URL: `sqlite://${path.join(dir, 'data', 'payment-server.db')}`,
      RUST_LOG: process.env.RUST_LOG || 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  const lines = readline.createInterface({ input: child.stdout });
  const urls = await new Promise((resolve, reject) => {
    const found = {};
    const timer = setTimeout(() => reject(new Error(`payment-server did not start:\n${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`payment-server exited with ${code}:\n${stderr}`));
    });
    lines.on('line', (line) => {
      const m = /^(payment-server|payline-sandbox) listening on (http:\/\/\S+)$/.exec(line);
      if (m) found[m[1]] = m[2].replace(/\/$/, '');
      if (found['payment-server'] && (found['payline-sandbox'] || sandboxUrl)) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return {
    url: urls['payment-server'],
    sandboxUrl: urls['payline-sandbox'] || sandboxUrl,
    logs: () => stderr,
    async close() {
      child.removeAllListeners('exit');
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** The sandbox ledger entries of an order reference (sandbox-control contract). */
export async function ledger(sandboxUrl, orderRef) {
  const auth = Buffer.from(`${SANDBOX_MERCHANT}:${SANDBOX_ACCESS_KEY}`).toString('base64');
  const res = await fetch(`${sandboxUrl}/sandbox/transactions?orderRef=${encodeURIComponent(orderRef)}`, {
    headers: { Authorization: `Basic ${auth}` },
  });
  if (!res.ok) throw new Error(`ledger: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Moves the sandbox's clock forward (sandbox-control contract); resolves once everything that
 * fell due (schedule billings, deferred captures) has run at the gateway. */
export async function advanceSandboxClock(sandboxUrl, seconds) {
  const auth = Buffer.from(`${SANDBOX_MERCHANT}:${SANDBOX_ACCESS_KEY}`).toString('base64');
  const res = await fetch(`${sandboxUrl}/sandbox/clock`, {
    method: 'POST',
    headers: { Authorization: `Basic ${auth}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ advance_seconds: seconds }),
  });
  if (!res.ok) throw new Error(`clock: ${res.status} ${await res.text()}`);
  return res.json();
}
