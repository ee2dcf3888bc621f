// The loading paths themselves: the script-tag build's integrity chain (script hash in the page,
// .wasm hash baked into the script), what it puts on `window`, and the CSP the pages run under.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CSP, FILES, PKG_DIR, copyPkg, cspViolations, demoState, launchBrowser, openPage, startServer,
} from './helpers.mjs';

let browser;
const cleanup = [];
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const fn of cleanup.reverse()) await fn();
});

async function serve(options = {}) {
  const server = await startServer({ port: 0, ...options });
  cleanup.push(() => server.close());
  return server;
}

async function tamperedPkg(file, change) {
  const dir = await copyPkg(PKG_DIR);
  cleanup.push(() => fs.rm(dir, { recursive: true, force: true }));
  const target = path.join(dir, file);
  await fs.writeFile(target, change(await fs.readFile(target)));
  return dir;
}

describe('script-tag build', () => {
  it('defines only window.CardCapture, with the module functions and a ready promise', async () => {
    const server = await serve();
    const { page, problems } = await openPage(browser.context, `${server.url}validate-script-tag.html`);
    assert.equal(await demoState(page), 'ready');
    const shape = await page.evaluate(async () => {
      const cc = window.CardCapture;
      return {
        frozen: Object.isFrozen(cc),
        readyResolvesToApi: (await cc.ready) === cc,
        functions: Object.keys(cc).filter((k) => typeof cc[k] === 'function').sort(),
        leaked: ['wasm_bindgen', 'WASM_FILE', 'WASM_INTEGRITY', 'api'].filter((k) => k in window),
        visa: cc.validateNumber('4242 4242 4242 4242').valid,
      };
    });
    assert.equal(shape.frozen, true);
    assert.equal(shape.readyResolvesToApi, true);
    for (const name of ['validateNumber', 'validateExpiry', 'validateCvv', 'validateHolder',
      'formatNumber', 'formatExpiry']) {
      assert.ok(shape.functions.includes(name), `CardCapture.${name}`);
    }
    assert.ok(!shape.functions.includes('initSync'));
    assert.deepEqual(shape.leaked, []);
    assert.equal(shape.visa, true);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('carries the integrity of pkg/integrity.json on its script tag', async () => {
    const server = await serve();
    const integrity = JSON.parse(await fs.readFile(path.join(PKG_DIR, FILES.integrity), 'utf8'));
    const { page } = await openPage(browser.context, `${server.url}validate-script-tag.html`);
    const tag = await page.evaluate(() => {
      const s = document.querySelector('script[src$="card-capture.js"]');
      return { integrity: s.integrity, crossOrigin: s.crossOrigin };
    });
    assert.equal(tag.integrity, integrity[FILES.global]);
    assert.match(tag.integrity, /^sha384-[A-Za-z0-9+/]{64}$/);
    assert.equal(tag.crossOrigin, 'anonymous');
    await page.close();
  });

  it('rejects CardCapture.ready when the .wasm does not match the baked-in hash', async () => {
    // Append a custom section (id 0, size 5, name "test"): the module stays valid and would
    // load without the integrity check, so only the hash can make it fail.
    const dir = await tamperedPkg(FILES.wasm, (b) => Buffer.concat([b, Buffer.from([0, 5, 4, 0x74, 0x65, 0x73, 0x74])]));
    assert.equal(WebAssembly.validate(await fs.readFile(path.join(dir, FILES.wasm))), true);
    const server = await serve({ pkgDir: dir });
    const { page, problems } = await openPage(browser.context, `${server.url}validate-script-tag.html`);
    assert.equal(await demoState(page), 'error');
    const outcome = await page.evaluate(() => window.CardCapture.ready.then(
      () => 'resolved',
      (err) => `rejected: ${err.name}`,
    ));
    assert.equal(outcome, 'rejected: TypeError');
    assert.match(await page.textContent('#summary'), /did not load/);
    assert.ok(problems.some((p) => /integrity/i.test(p)), `the browser reports the integrity failure: ${problems}`);
    await page.close();
  });

  it('is refused by the browser when the script itself was changed', async () => {
    const dir = await tamperedPkg(FILES.global, (b) => Buffer.concat([b, Buffer.from('\n// changed\n')]));
    const server = await serve({ pkgDir: dir });
    const { page } = await openPage(browser.context, `${server.url}validate-script-tag.html`);
    assert.equal(await demoState(page), 'error');
    assert.equal(await page.evaluate(() => 'CardCapture' in window), false);
    await page.close();
  });
});

describe('Content-Security-Policy', () => {
  it('is the strict policy on the demo pages and the package files', async () => {
    const server = await serve();
    for (const p of ['validate.html', 'validate-script-tag.html', `pkg/${FILES.esm}`, `pkg/${FILES.wasm}`]) {
      const res = await fetch(server.url + p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-security-policy'), CSP, p);
    }
    assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(CSP, /unsafe-inline|'unsafe-eval'|\*/);
    const wasm = await fetch(`${server.url}pkg/${FILES.wasm}`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  });

  it("is needed as it is: without 'wasm-unsafe-eval' the module cannot start and a violation is reported", async () => {
    // Shows the violation check of the other tests can fail, and that WebAssembly compilation
    // is the only thing the policy has to allow beyond same-origin scripts.
    const server = await serve({ csp: CSP.replace(" 'wasm-unsafe-eval'", '') });
    for (const p of ['validate.html', 'validate-script-tag.html']) {
      const { page } = await openPage(browser.context, server.url + p);
      assert.equal(await demoState(page), 'error', p);
      const violations = await cspViolations(page);
      assert.ok(violations.some((v) => v.startsWith('script-src')), `${p}: ${violations}`);
      await page.close();
    }
  });
});

describe('demo server', () => {
  it('serves nothing outside www/ and pkg/', async () => {
    const server = await serve();
    for (const p of ['../package.json', '%2e%2e/package.json', 'pkg/../../Cargo.toml', '.git/config',
      'pkg/%2e%2e/%2e%2e/Cargo.toml', 'missing.html']) {
      const res = await fetch(server.url + p);
      assert.equal(res.status, 404, p);
    }
    const post = await fetch(server.url, { method: 'POST' });
    assert.equal(post.status, 405);
  });
});
