#!/usr/bin/env node
// Static server for `npm run serve` and the loader/demo tests: www/ at /, pkg/ at /pkg/, on
// 127.0.0.1 (`npm start` runs payment-server --sandbox instead, which also pays).
//
// Every response carries a strict Content-Security-Policy: scripts only from this origin plus
// 'wasm-unsafe-eval' (CSP Level 3: allows WebAssembly compilation and nothing else eval-like), no
// inline script or style, Trusted Types enforced. The demo pages pass under it, which shows the
// module needs no looser policy.
//
// HTML pages may contain `{{integrity FILE}}`, replaced with FILE's sha384 from pkg/integrity.json
// (written by the build), so `<script integrity>` always matches the file being served. They may
// also contain `{{include FILE}}`, replaced by FILE, an .html fragment under www/ (the demo pages
// share their form markup this way, with no script building it). The payment server
// (crates/payment-server/src/routes/assets.rs) expands both directives the same way.
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FILES, PKG_DIR, WWW_DIR } from './lib/files.mjs';

export const CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // WebAssembly.instantiateStreaming rejects any other type (WebAssembly Web API §3).
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Maps a URL path to a file under `www` or `pkg`, or null if it names nothing we serve. */
function resolve(urlPath, { wwwDir, pkgDir }) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split('/').some((seg) => seg.startsWith('.'))) return null;
  let base = wwwDir;
  let rel = decoded;
  if (decoded === '/pkg' || decoded.startsWith('/pkg/')) {
    base = pkgDir;
    rel = decoded.slice('/pkg'.length);
  }
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(base, `.${path.posix.normalize(rel)}`);
  return file.startsWith(base + path.sep) ? file : null;
}

/**
 * The file an `{{include NAME}}` names: an .html fragment under `wwwDir`, or null for a name that
 * tries to leave it (`..`, an absolute path, a hidden file, a backslash, NUL).
 */
export function includePath(name, wwwDir) {
  if (!name.endsWith('.html') || /[\\\0]/.test(name) || name.startsWith('/')) return null;
  if (name.split('/').some((seg) => seg === '' || seg.startsWith('.'))) return null;
  const file = path.resolve(wwwDir, name);
  return file.startsWith(wwwDir + path.sep) ? file : null;
}

// One level only: a fragment's own `{{include}}` is left as it is, so includes cannot loop.
async function expandIncludes(html, wwwDir) {
  const names = [...html.matchAll(/\{\{include ([^}]*)\}\}/g)].map((m) => m[1].trim());
  const texts = new Map();
  for (const name of names) {
    const file = includePath(name, wwwDir);
    if (!file) throw new Error(`include ${JSON.stringify(name)}: not an .html file under www/`);
    // A missing fragment is a broken page (500), not a missing one: a new Error has no ENOENT code.
    const text = await fs.readFile(file, 'utf8').catch((err) => {
      throw new Error(`include ${JSON.stringify(name)}: ${err.code || err.message}`);
    });
    // The directive sits on its own line: the fragment's final newline would double it.
    texts.set(name, text.replace(/\n$/, ''));
  }
  return html.replace(/\{\{include ([^}]*)\}\}/g, (_, name) => texts.get(name.trim()));
}

async function renderHtml(bytes, { wwwDir, pkgDir }) {
  let html = bytes.toString('utf8');
  if (html.includes('{{include ')) html = await expandIncludes(html, wwwDir);
  if (!html.includes('{{integrity')) return Buffer.from(html);
  const table = JSON.parse(await fs.readFile(path.join(pkgDir, FILES.integrity), 'utf8'));
  return Buffer.from(html.replace(/\{\{integrity ([\w.-]+)\}\}/g, (_, name) => {
    if (!table[name]) throw new Error(`no integrity for ${name} in ${FILES.integrity}`);
    return table[name];
  }));
}

/**
 * Starts the server. Options: `port` (0 = any free port), `host`, `wwwDir`, `pkgDir`, `csp`.
 * Resolves to `{ server, url, close() }` once listening.
 */
export async function startServer({
  port = 0, host = '127.0.0.1', wwwDir = WWW_DIR, pkgDir = PKG_DIR, csp = CSP,
} = {}) {
  const dirs = { wwwDir: path.resolve(wwwDir), pkgDir: path.resolve(pkgDir) };
  const server = http.createServer(async (req, res) => {
    const headers = {
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    };
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(405, Buffer.from('method not allowed\n'));
      return;
    }
    const file = resolve(new URL(req.url, 'http://localhost').pathname, dirs);
    if (!file) {
      send(404, Buffer.from('not found\n'));
      return;
    }
    try {
      let body = await fs.readFile(file);
      const ext = path.extname(file);
      if (ext === '.html') body = await renderHtml(body, dirs);
      send(200, body, MIME[ext] || 'application/octet-stream');
    } catch (err) {
      if (err.code === 'ENOENT' || err.code === 'EISDIR') send(404, Buffer.from('not found\n'));
      else send(500, Buffer.from(`${err.message}\n`));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const { port: bound } = server.address();
  const url = `http://${host}:${bound}/`;
  const close = () => new Promise((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  });
  return { server, url, close };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const raw = process.env.PORT ?? '8080';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    console.error(`PORT must be a port number (0 = any free port), got ${process.env.PORT}`);
    process.exit(2);
  }
  try {
    await fs.access(path.join(PKG_DIR, FILES.integrity));
  } catch {
    console.error('pkg/ is missing: run `npm run build` (or `npm start`) first');
    process.exit(1);
  }
  const { url, close } = await startServer({ port });
  // The checkout pages (index.html, script-tag.html) need the payment server (`npm start`);
  // this server has the validation-only form.
  console.log(`card-capture validation demo: ${url}validate.html`);
  console.log(`script-tag page:              ${url}validate-script-tag.html`);
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => close().then(() => process.exit(0)));
}
