// Process helpers shared by the build scripts.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

// scripts/setup installs wasm-bindgen with `cargo install`, into ~/.cargo/bin, which a fresh
// shell (CI, `npm run`) does not always have on PATH.
export function toolEnv(extra = {}) {
  const cargoBin = path.join(process.env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'bin');
  const parts = (process.env.PATH || '').split(path.delimiter);
  const PATH = parts.includes(cargoBin) ? process.env.PATH : [cargoBin, ...parts].join(path.delimiter);
  return { ...process.env, PATH, ...extra };
}

/** Runs a command; throws with its output when it fails. `capture` returns stdout. */
export function run(cmd, args, { cwd, capture = false, env = toolEnv() } = {}) {
  const res = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
  });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
  }
  return capture ? res.stdout : '';
}
