#!/usr/bin/env node
// npm run bench:browser: what the buyer's browser pays for card-capture, measured in headless
// Chromium (playwright-core, /usr/bin/chromium) against `payment-server --sandbox` on loopback:
//
//   - shipped size of wasm + JS glue per entry point (gzip -9, brotli 11);
//   - module init: `await init()` (fetch + compile + instantiate), fresh page each time;
//   - one keystroke in a mounted card-number field: the input event → format → validate →
//     DOM update, timed over batches (performance.now is coarsened to 100 µs in pages that are
//     not cross-origin isolated, so single events cannot be timed);
//   - end-to-end checkout latency for the frictionless 3-D Secure card, from submit() to the
//     result: tokenizer + pay (verifyEnrollment + doAuthorization in the sandbox) on loopback;
//   - isolated fields next to in-page fields, same run: mount() to an interactive card field
//     (the `ready` event: for isolated fields the iframe is loaded from the payment server's
//     origin, its module initialised and the handshake done), and the bytes the frame adds.
//
// Run `npm run build` first. RUNS=<n> changes the number of checkouts (default 30), INITS=<n>
// the fresh pages timed for init (default 15), MOUNTS=<n> the mounts of each kind (default 15).
// BENCH_JSON=1 prints the figures as one JSON line on stdout (the lines above go to stderr), for
// `npm run bench`.
import fs from 'node:fs';
import path from 'node:path';
import { ENTRY_POINTS, PKG_DIR, brotliSize, gzipSize } from './lib/files.mjs';
import { launchBrowser } from '../tests/e2e/helpers.mjs';
import { startPaymentServer } from '../tests/e2e/payment-server.mjs';

const RUNS = Number(process.env.RUNS || 30);
const INITS = Number(process.env.INITS || 15);
const MOUNTS = Number(process.env.MOUNTS || 15);
const JSON_OUT = process.env.BENCH_JSON === '1';
// In JSON mode stdout carries the one JSON line only; the readable lines still show, on stderr.
const say = JSON_OUT ? console.error : console.log;
const figures = {};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}

/** What the isolated fields' frame downloads besides the page's own module (gzip -9). */
function frameBytes() {
  const files = ['fields/frame.html', 'fields/frame.js', 'fields/fields.css', 'card-capture.css', 'card-capture.js', 'card_capture_bg.wasm'];
  const bytes = files.map((f) => fs.readFileSync(path.join(PKG_DIR, f)));
  const gz = bytes.map(gzipSize);
  const total = gz.reduce((a, b) => a + b, 0);
  const withoutWasm = total - gz[gz.length - 1];
  return { total, withoutWasm };
}

/** mount() → `ready`, `runs` times on fresh sessions, in-page then isolated, on one page. */
async function mountTimes(page, runs) {
  return page.evaluate(async (n) => {
    const out = { inPage: [], isolated: [] };
    const session = async () => (await fetch('/api/demo/checkout-sessions', { method: 'POST' })).json();
    window.checkout.destroy();
    // Inputs for the in-page mode, beside the isolated frame's container.
    const form = document.getElementById('pay-form');
    for (const id of ['b-number', 'b-exp', 'b-csc', 'b-name']) {
      const input = document.createElement('input');
      input.id = id;
      form.appendChild(input);
    }
    for (let i = 0; i < n; i += 1) {
      for (const mode of ['inPage', 'isolated']) {
        const s = await session();
        const options = mode === 'isolated'
          ? { session: s, isolated: true, container: '#card-frame' }
          : { session: s, fields: { number: '#b-number', expiry: '#b-exp', cvv: '#b-csc', holder: '#b-name' } };
        const t0 = performance.now();
        const h = window.cardCapture.mount(options);
        await new Promise((ok) => h.on('ready', ok));
        out[mode].push(performance.now() - t0);
        h.destroy();
      }
    }
    return out;
  }, runs);
}

function sizes() {
  for (const [entry, files] of Object.entries(ENTRY_POINTS)) {
    const bytes = files.map((f) => fs.readFileSync(path.join(PKG_DIR, f)));
    const sum = (fn) => bytes.reduce((n, b) => n + fn(b), 0);
    say(`size ${entry.padEnd(10)} raw ${sum((b) => b.length)} B, gzip ${sum(gzipSize)} B, brotli ${sum(brotliSize)} B`);
  }
}

async function openShop(context, url) {
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.waitForFunction(() => document.documentElement.dataset.checkout === 'ready');
  return page;
}

async function main() {
  sizes();
  const server = await startPaymentServer();
  const browser = await launchBrowser();
  try {
    // Module init, fresh page (and module instance) each time; the HTTP cache revalidates.
    const inits = [];
    for (let i = 0; i < INITS; i += 1) {
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/pkg/package.json`);
      inits.push(await page.evaluate(async () => {
        const t0 = performance.now();
        const m = await import('/pkg/card_capture.js');
        await m.default();
        return performance.now() - t0;
      }));
      await page.close();
    }
    figures.initMs = median(inits);
    figures.inits = inits.length;
    say(`init: median ${median(inits).toFixed(1)} ms (${inits.length} fresh pages)`);

    // One keystroke: batches of input events on the mounted number field.
    const page = await openShop(browser.context, server.url);
    const perKey = await page.evaluate(() => {
      const el = document.getElementById('cc-number');
      const digits = '4970101122334455';
      const batches = [];
      for (let b = 0; b < 30; b += 1) {
        const t0 = performance.now();
        for (let i = 0; i < 160; i += 1) {
          const n = (i % 16) + 1;
          el.value = digits.slice(0, n);
          el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: digits[n - 1] }));
        }
        batches.push(((performance.now() - t0) * 1000) / 160);
      }
      return batches;
    });
    figures.keystrokeUs = median(perKey);
    say(`keystroke (format + validate + DOM update): median ${median(perKey).toFixed(1)} µs`);
    await page.close();

    // Isolated fields next to in-page, same page and run. The page is opened under the
    // server's other loopback name, so the frame is cross-origin as in production.
    const iso = await browser.context.newPage();
    await iso.goto(`${server.url.replace('://127.0.0.1:', '://localhost:')}/isolated.html`);
    await iso.waitForFunction(() => document.documentElement.dataset.checkout === 'ready');
    const mounts = await mountTimes(iso, MOUNTS);
    await iso.close();
    const fb = frameBytes();
    const inPageMs = median(mounts.inPage);
    const isolatedMs = median(mounts.isolated);
    Object.assign(figures, {
      mountInPageMs: inPageMs, mountIsolatedMs: isolatedMs, mounts: MOUNTS,
      mountIsolatedColdMs: mounts.isolated[0], frameGzip: fb.total,
    });
    say(`mount() → interactive field: in-page median ${inPageMs.toFixed(2)} ms, isolated median ${isolatedMs.toFixed(1)} ms `
      + `(×${(isolatedMs / inPageMs).toFixed(0)}; ${MOUNTS} mounts each, frame files revalidated from the HTTP cache; `
      + `first isolated mount, cold cache: ${mounts.isolated[0].toFixed(1)} ms)`);
    say(`isolated fields' frame adds ${fb.total} B gzip (document, script, styles ${fb.withoutWasm} B; the module again for the frame's origin)`);

    // Frictionless checkout, submit() to result.
    const times = [];
    for (let i = 0; i < RUNS; i += 1) {
      const tab = await openShop(browser.context, server.url);
      await tab.getByLabel('Card number').fill('4970107111111119');
      await tab.getByLabel('Expiry date').fill('12/34');
      await tab.getByLabel('Security code').fill('123');
      await tab.getByLabel('Cardholder name').fill('Jeanne Martin');
      const { ms, status } = await tab.evaluate(async () => {
        const t0 = performance.now();
        const r = await window.checkout.submit();
        return { ms: performance.now() - t0, status: r.status };
      });
      if (status !== 'authorized') throw new Error(`checkout ${i}: ${status}`);
      times.push(ms);
      await tab.close();
    }
    Object.assign(figures, { checkoutP50Ms: median(times), checkoutP95Ms: p95(times), checkouts: RUNS });
    say(`frictionless checkout (submit → authorized, loopback): median ${median(times).toFixed(0)} ms, p95 ${p95(times).toFixed(0)} ms (${RUNS} runs)`);
    if (JSON_OUT) {
      const ua = await (await browser.context.newPage()).evaluate(() => navigator.userAgent);
      figures.browser = /(?:Headless)?Chrome\/([\d.]+)/.exec(ua)?.[1] ?? ua;
      console.log(JSON.stringify({ bench: 'browser', ...figures }));
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err) => {
  console.error(`bench failed: ${err.message}`);
  process.exitCode = 1;
});
