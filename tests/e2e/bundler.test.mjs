// The ES module in pkg/ through a bundler: a tiny app importing `card-capture` is built with
// Vite (production build, programmatic API), served from its output directory and run in
// Chromium. wasm-bindgen's `new URL('card_capture_bg.wasm', import.meta.url)` must make the
// bundler emit the .wasm as an asset and the built app must fetch and instantiate it.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'vite';
import { FILES, PKG_DIR, ROOT, cspViolations, launchBrowser, openPage } from './helpers.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // WebAssembly JS API §"instantiateStreaming" requires this media type.
  '.wasm': 'application/wasm',
};

const INDEX = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>bundled card-capture</title></head>
<body>
<form id="pay">
  <input id="number" aria-label="Card number">
  <input id="expiry" aria-label="Expiry date">
  <input id="cvv" aria-label="Security code">
  <input id="holder" aria-label="Cardholder name">
</form>
<script type="module" src="./main.js"></script>
</body>
</html>
`;

const MAIN = `import init, { validateNumber, mount } from 'card-capture';

try {
  await init();
  const n = validateNumber('4970101122334455');
  window.__result = {
    brands: n.brands.map((b) => b.id),
    valid: n.valid,
    mount: typeof mount,
  };
  document.documentElement.dataset.state = 'ready';
} catch (err) {
  window.__result = { error: String(err) };
  document.documentElement.dataset.state = 'error';
}
`;

/** Serves `dir` on 127.0.0.1:0, recording every path requested. */
async function serveDir(dir) {
  const requested = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    requested.push(url.pathname);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'",
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    requested,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('card-capture bundled with Vite', () => {
  let work;
  let outDir;
  let server;
  let browser;

  before(async () => {
    await fs.access(path.join(PKG_DIR, FILES.wasm)).catch(() => {
      throw new Error(`${PKG_DIR} has no ${FILES.wasm}: run \`node scripts/build.mjs\` first`);
    });
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-vite-'));
    await fs.writeFile(path.join(work, 'index.html'), INDEX);
    await fs.writeFile(path.join(work, 'main.js'), MAIN);
    outDir = path.join(work, 'dist');
    await build({
      root: work,
      configFile: false,
      logLevel: 'silent',
      // The app imports the package by name, as a merchant's app would after `npm i card-capture`.
      resolve: { alias: { 'card-capture': path.join(PKG_DIR, FILES.esm) } },
      // Vite's cache would otherwise land in the repository's node_modules.
      cacheDir: path.join(work, '.vite'),
      server: { fs: { allow: [work, ROOT] } },
      build: { outDir, emptyOutDir: true, target: 'es2022' },
    });
    server = await serveDir(outDir);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it('emits the .wasm as an asset', async () => {
    const assets = await fs.readdir(path.join(outDir, 'assets'));
    const wasm = assets.filter((f) => f.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `assets: ${assets.join(', ')}`);
    const emitted = await fs.readFile(path.join(outDir, 'assets', wasm[0]));
    const original = await fs.readFile(path.join(PKG_DIR, FILES.wasm));
    assert.ok(emitted.equals(original), 'the emitted .wasm is the package one, byte for byte');
  });

  it('runs in Chromium: init() fetches the emitted .wasm, validateNumber works', async () => {
    const { page, problems } = await openPage(browser.context, server.url);
    await page.waitForFunction(() => document.documentElement.dataset.state !== undefined);
    const result = await page.evaluate(() => window.__result);
    assert.equal(result.error, undefined, result.error);
    assert.deepEqual([...result.brands].sort(), ['cb', 'visa']);
    assert.equal(result.valid, true);
    assert.equal(result.mount, 'function');
    const fetchedWasm = server.requested.filter((p) => /^\/assets\/.+\.wasm$/.test(p));
    assert.equal(fetchedWasm.length, 1, `requested: ${server.requested.join(', ')}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    await fs.mkdir(path.join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'bundler-vite.png') });
    await page.close();
  });
});
