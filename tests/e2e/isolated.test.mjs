// Isolated fields (mount({isolated: true})): the card inputs in one iframe served by the payment
// server from its own origin. The shop page is opened under the server's other loopback name
// (localhost for 127.0.0.1), so page and frame are different origins, as a shop and its payment
// server are in production. Every card and 3-D Secure path of the in-page suite, then what
// isolation promises: no digit of the card reaches the shop page, forged messages change
// nothing, strict CSP in both documents, axe clean, a keyboard-only checkout.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, authorization, cspViolations, fillCard as fillInputs, launchBrowser, outcome, pay, sessionStatus } from './helpers.mjs';
import { ledger, startPaymentServer } from './payment-server.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'isolated');
const AXE = await fs.readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAG = 'card-capture/fields@1';
const { version: VERSION } = JSON.parse(await fs.readFile(path.join(ROOT, 'pkg', 'package.json'), 'utf8'));

let server;
let browser;
/** The demo shop under the server's other loopback name: another origin than the frame's. */
let shopUrl;
before(async () => {
  await fs.mkdir(SHOTS, { recursive: true });
  server = await startPaymentServer();
  shopUrl = server.url.replace('://127.0.0.1:', '://localhost:');
  assert.notEqual(shopUrl, server.url, 'the payment server listens on 127.0.0.1');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the isolated demo shop and waits for the frame's form. */
async function shop(query = '') {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  await page.goto(`${shopUrl}/isolated.html${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.checkout !== undefined);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.checkout), 'ready');
  return { page, problems };
}

/** The fields frame, as a locator scope. */
function fields(page) {
  return page.frameLocator('iframe.cc-fields-frame');
}

/** The fields frame, as a Frame (to evaluate in it). */
function fieldsFrame(page) {
  return page.frames().find((f) => f.url().includes('/fields/'));
}

/** Types a card into the fields frame of `page`. */
function fillCard(page, card) {
  return fillInputs(fields(page), card);
}

/** The bank's page inside the challenge dialog, inside the fields frame. */
function acs(page) {
  return fields(page).frameLocator('.cc-challenge-frame');
}

// The viewport only: a full-page capture resizes the viewport, which a covering frame follows.
async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** CSP violations recorded in the page and in the fields frame. */
async function allViolations(page) {
  return [...await cspViolations(page), ...await fieldsFrame(page).evaluate(() => window.__cspViolations)];
}

describe('isolated fields: checkout', () => {
  it('frictionless card: authorized, the frame is another origin, no CSP violation in either document', async () => {
    const { page, problems } = await shop();
    const frameUrl = new URL(await page.locator('iframe.cc-fields-frame').getAttribute('src'));
    assert.equal(frameUrl.origin, server.url);
    assert.notEqual(frameUrl.origin, new URL(shopUrl).origin);
    assert.match(frameUrl.pathname, /^\/fields\/\d+\.\d+\.\d+\/frame\.html$/);
    await fillCard(page, { number: '4970107111111119' });
    assert.equal(await fields(page).getByLabel('Card number').inputValue(), '4970 1071 1111 1119');
    await pay(page);
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    assert.equal(await fields(page).getByLabel('Security code').inputValue(), '', 'the CVV is cleared');
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    const entries = await ledger(server.sandboxUrl, orderRef);
    assert.deepEqual(entries.map(authorization), [['AUTHORIZATION', 100, true, 'AUTHORIZED']]);
    const box = await page.locator('iframe.cc-fields-frame').boundingBox();
    assert.ok(box.height > 100, `the frame is as tall as its form (${box.height}px)`);
    await shot(page, 'frictionless');
    assert.deepEqual(await allViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('challenge with the right code: the frame covers the page meanwhile, then authorized', async () => {
    const { page, problems } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    await pay(page);
    await fields(page).getByRole('dialog', { name: 'Card verification by your bank' }).waitFor();
    await acs(page).getByLabel('Verification code').fill('1234');
    const viewport = page.viewportSize();
    const box = await page.locator('iframe.cc-fields-frame').boundingBox();
    assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, viewport.width, viewport.height]);
    assert.equal(await page.locator('header').getAttribute('inert'), '', 'the rest of the page is inert');
    await shot(page, 'challenge-open');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    assert.equal(await page.locator('[inert]').count(), 0, 'the page is given back');
    const after = await page.locator('iframe.cc-fields-frame').boundingBox();
    assert.ok(after.width < viewport.width && after.height < viewport.height, 'the frame is back in the form');
    assert.deepEqual(await allViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });
});

/**
 * Replaces the demo's handle with an isolated one on a fresh session, with `extra` options;
 * resolves once the new frame is ready, with the session.
 */
async function remount(page, extra) {
  const session = await page.evaluate(async (options) => {
    const s = await (await fetch('/api/demo/checkout-sessions', { method: 'POST' })).json();
    window.checkout.destroy();
    window.testHandle = window.cardCapture.mount({ session: s, isolated: true, container: '#card-frame', ...options });
    await new Promise((ok) => window.testHandle.on('ready', ok));
    return s;
  }, extra);
  return session;
}

describe('isolated fields: 3-D Secure and refusals', () => {
  it('challenge with a wrong code: refused; cancelled in the dialog: refused 02319', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    await pay(page);
    await acs(page).getByLabel('Verification code').fill('0000');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment refused/), /^Payment refused: .+/);
    assert.equal((await page.evaluate(() => window.checkout.state())).submitting, false);
    await fillCard(page, { number: '4970105181818183' });
    const done = page.evaluate(() => new Promise((ok) => window.checkout.on('result', ok)));
    await pay(page);
    await acs(page).getByLabel('Verification code').waitFor();
    await fields(page).getByRole('button', { name: 'Cancel payment' }).click();
    const result = await done;
    assert.equal(result.status, 'refused');
    assert.equal(result.code, '02319');
    assert.equal(await page.locator('[inert]').count(), 0);
    await page.close();
  });

  it('redirect mode: the shop page posts the ACS form in the top window, then resume() on return', async () => {
    const { page, problems } = await shop('?threeDS=redirect');
    await fillCard(page, { number: '4970105181818183' });
    await pay(page);
    await page.waitForURL(/\/acs\//);
    await page.getByLabel('Verification code').fill('1234');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL(/cardCaptureSession=/);
    await page.waitForFunction(() => document.documentElement.dataset.checkout === 'resumed');
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('3-D Secure 1 card in the dialog, and a 3DS Method card: authorized', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970100000000030' });
    await pay(page);
    await acs(page).getByLabel('Verification code').fill('1234');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    const { page: page2 } = await shop();
    await fillCard(page2, { number: '4970100000000113' });
    const cont = page2.waitForRequest((r) => r.url().endsWith('/continue'));
    await pay(page2);
    assert.equal(JSON.parse((await cont).postData()).methodCompleted, true, 'the ACS notified the frame');
    assert.match(await outcome(page2, /Payment authorized/), /Payment authorized$/);
    assert.equal(await fieldsFrame(page2).evaluate(() => document.querySelectorAll('iframe').length), 0);
    assert.deepEqual(await allViolations(page2), []);
    await page.close();
    await page2.close();
  });

  it('refused card, then another card succeeds; the retry data stays in the frame', async () => {
    const { page } = await shop('?amount=33305');
    await fillCard(page, { number: '4970101122334455' });
    await pay(page);
    assert.match(await outcome(page, /Payment refused/), /^Payment refused: .+/);
    await fillCard(page, { number: '5130000000000010' });
    const second = page.evaluate(() => new Promise((ok) => window.checkout.on('result', ok)));
    await pay(page);
    assert.equal((await second).code, '01100');
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    assert.ok((await ledger(server.sandboxUrl, `${orderRef}-2`)).length > 0, 'second attempt reached the gateway');
    const { page: page2 } = await shop();
    await fillCard(page2, { number: '4970103469012066' });
    await pay(page2);
    assert.match(await outcome(page2, /Payment refused/), /^Payment refused: .+/);
    await fillCard(page2, { number: '4970101122334455' });
    await pay(page2);
    assert.match(await outcome(page2, /Payment authorized/), /Payment authorized$/);
    await page.close();
    await page2.close();
  });

  it('destroy() during an open challenge: the page is given back at once, the promise settles destroyed, the attempt is abandoned', async () => {
    const { page, problems } = await shop();
    const session = await remount(page, {});
    await fillCard(page, { number: '4970105181818183' });
    await page.evaluate(() => { window.pending = window.testHandle.submit(); });
    await acs(page).getByLabel('Verification code').waitFor();
    assert.ok(await page.locator('[inert]').count() > 0);
    const events = await page.evaluate(() => {
      window.afterDestroy = [];
      for (const name of ['result', 'error', 'challenge', 'change']) {
        window.testHandle.on(name, () => window.afterDestroy.push(name));
      }
      window.testHandle.destroy();
      window.testHandle.destroy();
      return {
        inert: document.querySelectorAll('[inert]').length,
        visibleFrames: [...document.querySelectorAll('iframe')].filter((f) => !f.hidden).length,
      };
    });
    assert.deepEqual(events, { inert: 0, visibleFrames: 0 });
    const result = await page.evaluate(() => window.pending);
    assert.equal(result.status, 'error', JSON.stringify(result));
    assert.equal(result.code, 'destroyed');
    await page.waitForFunction(() => document.querySelectorAll('iframe').length === 0);
    const st = await sessionStatus(session);
    assert.equal(st.status, 'refused', JSON.stringify(st));
    assert.equal(st.payment.code, '02319', JSON.stringify(st));
    assert.deepEqual(await page.evaluate(() => window.afterDestroy), [], 'no event after destroy()');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('double click: one promise, one authorization; invalid fields are shown in the frame, nothing is sent', async () => {
    const { page } = await shop();
    const sent = [];
    page.on('request', (r) => { if (r.method() === 'POST' && !r.url().includes('/api/demo/')) sent.push(r.url()); });
    await fields(page).getByLabel('Expiry date').fill('01/20');
    await pay(page);
    await page.getByRole('status').filter({ hasText: /Check the card details/ }).waitFor();
    const f = fields(page);
    for (const [label, text] of [['Card number', 'Enter the card number.'], ['Expiry date', 'This card has expired.'],
      ['Security code', 'Enter the security code.'], ['Cardholder name', 'Enter the name on the card.']]) {
      const input = f.getByLabel(label);
      assert.equal(await input.getAttribute('aria-invalid'), 'true', label);
      const ids = (await input.getAttribute('aria-describedby')).split(' ');
      const message = f.locator(`#${ids.at(-1)}`);
      assert.equal(await message.textContent(), text, label);
      assert.equal(await message.getAttribute('aria-live'), 'polite');
    }
    // Focus goes to the first field in error: the page hands it to the frame. (Which field the
    // frame then focuses depends on the headless window having focus, which it loses when
    // several browsers run side by side, so only the page's side is checked here.)
    assert.equal(await page.evaluate(() => document.activeElement.className), 'cc-fields-frame', 'the page\'s focus is in the frame');
    assert.deepEqual(sent, []);
    const state = await page.evaluate(() => window.checkout.state());
    assert.equal(state.fields.expiry.error, 'expired');
    await fillCard(page, { number: '4970101122334455' });
    const same = await page.evaluate(async () => {
      const a = window.checkout.submit();
      const b = window.checkout.submit();
      const r = await a;
      return a === b && r.status === 'authorized';
    });
    assert.equal(same, true);
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    assert.equal((await ledger(server.sandboxUrl, orderRef)).length, 1);
    await page.close();
  });

  it('co-badged card: the brand choice is in the frame, the page gets brand events', async () => {
    const { page } = await shop();
    const brands = page.evaluate(() => new Promise((ok) => window.checkout.on('brand', (b) => { if (b.coBadged) ok(b); })));
    await fillCard(page, { number: '4970101122334455' });
    const b = await brands;
    assert.deepEqual(b.brands.map((x) => x.id), ['cb', 'visa']);
    await fields(page).getByRole('radio', { name: 'Visa' }).check();
    await pay(page);
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    const [entry] = await ledger(server.sandboxUrl, orderRef);
    assert.equal(entry.cardBrand, 'VISA', JSON.stringify(entry));
    await page.close();
  });
});

/**
 * A hostile script on the shop page (what a skimmer injected into a dependency does): it runs
 * before the page's own scripts, listens to every `message` event, wraps fetch and
 * XMLHttpRequest, reads document.forms, walks the DOM on every mutation and input, and reads every
 * handle event, and keeps all it saw in window.__stolen.
 */
function skimmer() {
  window.__stolen = [];
  // Each distinct thing seen is kept once (a DOM walk per mutation sees the same page often).
  const seen = new Set();
  const keep = (what, value) => {
    let text;
    try {
      text = `${what}:${typeof value === 'string' ? value : JSON.stringify(value)}`;
    } catch {
      text = `${what}:${String(value)}`;
    }
    if (!seen.has(text)) {
      seen.add(text);
      window.__stolen.push(text);
    }
  };
  window.addEventListener('message', (e) => keep('message', e.data), true);
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    keep('fetch', [String(input), init && init.body]);
    return fetch0.apply(this, arguments);
  };
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    keep('xhr', body);
    return send0.apply(this, arguments);
  };
  const port0 = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m) {
    keep('port-out', m);
    return port0.apply(this, arguments);
  };
  const walk = () => {
    // The demo page lists the sandbox's test cards in its own markup; everything else of the
    // page is read, so only what the buyer types could be found.
    const copy = document.documentElement.cloneNode(true);
    copy.querySelector('.test-cards')?.remove();
    keep('dom', copy.outerHTML);
    for (const form of document.forms) {
      for (const el of form.elements) keep('form', [el.name, el.value]);
    }
    for (const frame of document.querySelectorAll('iframe')) {
      try {
        keep('frame-dom', frame.contentDocument && frame.contentDocument.documentElement.outerHTML);
      } catch (e) {
        keep('frame-dom-blocked', e.name);
      }
    }
  };
  // Read whenever anything in the page changes, and on every input event (what a skimmer of
  // in-page fields relies on).
  new MutationObserver(walk).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener('input', walk, true);
  document.addEventListener('keydown', (e) => keep('key', e.key), true);
}

describe('isolated fields: what the shop page can see', () => {
  it('a hostile script on the shop page never sees a digit of the PAN or the CVV', async () => {
    const page = await browser.context.newPage();
    // Only in the top document: the frame is the payment server's, which the skimmer cannot reach.
    await page.addInitScript(`if (window.top === window) (${skimmer.toString()})();`);
    await page.goto(`${shopUrl}/isolated.html`);
    await page.waitForFunction(() => document.documentElement.dataset.checkout === 'ready');
    // It also reads every event the handle emits.
    await page.evaluate(() => {
      for (const name of ['change', 'brand', 'focus', 'blur', 'complete', 'submit', 'challenge', 'result', 'error', 'ready']) {
        window.checkout.on(name, (d) => window.__stolen.push(`event:${name}:${JSON.stringify(d)}`));
      }
    });
    // Typed key by key (as a buyer does), with a challenge card and an unusual CVV.
    const f = fields(page);
    await f.getByLabel('Card number').pressSequentially('4970105181818183');
    await f.getByLabel('Expiry date').pressSequentially('1234');
    await f.getByLabel('Security code').pressSequentially('739');
    await f.getByLabel('Cardholder name').pressSequentially('Jeanne Martin');
    await pay(page);
    await acs(page).getByLabel('Verification code').fill('1234');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    const stolen = await page.evaluate(() => window.__stolen);
    assert.ok(stolen.some((s) => s.startsWith('event:change')), 'the skimmer did see the events');
    const frameReads = stolen.filter((s) => s.startsWith('frame-dom'));
    // Only the iframe's initial about:blank (before it navigates) is the page's own origin.
    assert.ok(frameReads.includes('frame-dom:null'), 'the frame document is out of its reach');
    assert.ok(frameReads.every((s) => s === 'frame-dom:null' || !s.includes('<input')), 'no input of the frame was read');
    const all = stolen.join('\n');
    // Digits only, so no spacing or formatting hides the number.
    const leaked = stolen.filter((s) => s.replace(/\D/g, '').includes('4970105181818183'));
    assert.deepEqual(leaked.map((s) => s.slice(0, 300)), [], 'no PAN in what the page saw');
    for (const part of ['4970 1051', '8181 8183', '497010', '18183']) assert.ok(!all.includes(part), part);
    assert.doesNotMatch(all, /\b739\b/, 'no CVV in what the page saw');
    assert.doesNotMatch(all, /key:\d/, 'no keystroke reached the page');
    await page.close();
  });

  it('forged messages change nothing: without the nonce, from the page over the window, from another origin', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    const src = await page.locator('iframe.cc-fields-frame').getAttribute('src');
    const nonce = new URLSearchParams(new URL(src).hash.slice(1)).get('n');
    // From the shop page's origin, over the window (the channel is already open): a submit with
    // the right nonce, one with a wrong nonce, an init with a port of the page's own.
    await page.evaluate(({ tag, n }) => {
      const frame = document.querySelector('iframe.cc-fields-frame').contentWindow;
      frame.postMessage({ cc: tag, type: 'submit', nonce: n, id: 77 }, '*');
      frame.postMessage({ cc: tag, type: 'submit', nonce: 'forged', id: 78 }, '*');
      const ch = new MessageChannel();
      window.__forgedPort = ch.port1;
      window.__forgedSeen = [];
      ch.port1.onmessage = (e) => window.__forgedSeen.push(e.data);
      frame.postMessage({ cc: tag, type: 'init', nonce: n, options: {} }, '*', [ch.port2]);
      ch.port1.postMessage({ cc: tag, type: 'submit', nonce: n, id: 79 });
    }, { tag: TAG, n: nonce });
    // To the shop page, claiming to be the frame: a forged result and a forged hello.
    await page.evaluate(({ tag, n }) => {
      window.postMessage({ cc: tag, type: 'hello', nonce: n }, '*');
      window.postMessage({ cc: tag, type: 'result', nonce: n, id: 1, result: { status: 'authorized', paymentId: 'x', transactionId: 'x' } }, '*');
    }, { tag: TAG, n: nonce });
    await pay(page);
    // From another origin: the bank's page inside the frame posts to the frame and to the page.
    await acs(page).getByLabel('Verification code').waitFor();
    const bank = page.frames().find((fr) => fr.url().includes('/acs/'));
    assert.notEqual(new URL(bank.url()).origin, server.url, 'the bank is another origin');
    await bank.evaluate(({ tag, n }) => {
      window.parent.postMessage({ cc: tag, type: 'destroy', nonce: n }, '*');
      window.parent.postMessage({ cc: tag, type: 'init', nonce: n, options: {} }, '*');
      window.top.postMessage({ cc: tag, type: 'event', nonce: n, name: 'result', detail: { status: 'authorized' } }, '*');
      window.top.postMessage({ cc: tag, type: 'navigate', nonce: n, url: 'https://evil.example/', fields: [] }, '*');
    }, { tag: TAG, n: nonce });
    assert.equal((await page.evaluate(() => window.checkout.state())).submitting, true, 'still one payment, waiting for the bank');
    await acs(page).getByLabel('Verification code').fill('1234');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    assert.deepEqual(await page.evaluate(() => window.__forgedSeen), [], 'the forged port got nothing');
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    assert.equal((await ledger(server.sandboxUrl, orderRef)).length, 1, 'one authorization');
    assert.match(page.url(), /isolated\.html$/, 'no navigation');
    await page.close();
  });

  it('another origin cannot frame the fields (frame-ancestors), and a forged tokenizer never gets the card', async () => {
    // A page on an origin that is not in ALLOWED_ORIGINS frames the fields frame.
    const evil = http.createServer((req, res) => {
      evil.hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><title>evil</title><iframe id="f" src="${server.url}/fields/${VERSION}/frame.html#n=${'a'.repeat(32)}&o=${encodeURIComponent('http://127.0.0.1:' + evil.address().port)}"></iframe>`);
    });
    evil.hits = [];
    await new Promise((ok) => evil.listen(0, '127.0.0.1', ok));
    try {
      const page = await browser.context.newPage();
      const blocked = [];
      page.on('console', (m) => { if (/frame-ancestors/.test(m.text())) blocked.push(m.text()); });
      const frameScripts = [];
      page.on('request', (r) => { if (r.url().includes('/fields/') && r.url().endsWith('.js')) frameScripts.push(r.url()); });
      await page.goto(`http://127.0.0.1:${evil.address().port}/`);
      await page.waitForTimeout(500);
      assert.ok(blocked.length > 0, 'the browser refused to frame the fields');
      assert.deepEqual(frameScripts, [], 'nothing of the frame ran');
      await page.close();

      // A shop page that hands the frame a session whose tokenizer is someone else's server.
      const { page: shopPage } = await shop();
      const result = await shopPage.evaluate(async (evilUrl) => {
        const s = await (await fetch('/api/demo/checkout-sessions', { method: 'POST' })).json();
        window.checkout.destroy();
        const forged = { ...s, tokenizer: { ...s.tokenizer, url: `${evilUrl}/steal` } };
        window.testHandle = window.cardCapture.mount({ session: forged, isolated: true, container: '#card-frame' });
        await new Promise((ok) => window.testHandle.on('ready', ok));
        return null;
      }, `http://127.0.0.1:${evil.address().port}`);
      void result;
      await fillCard(shopPage, { number: '4970101122334455' });
      const r = await shopPage.evaluate(() => window.testHandle.submit());
      assert.equal(r.status, 'error', JSON.stringify(r));
      assert.equal(r.code, 'network_error');
      assert.deepEqual(evil.hits.filter((h) => h.includes('steal')), [], 'the card never reached the forged tokenizer');
      const violations = await fieldsFrame(shopPage).evaluate(() => window.__cspViolations);
      assert.ok(violations.some((v) => v.startsWith('connect-src')), JSON.stringify(violations));
      await shopPage.close();
    } finally {
      await new Promise((ok) => evil.close(ok));
    }
  });
});

/** Runs axe-core (WCAG 2.x A/AA rules) in `frame`; the serious and critical violations. */
async function axe(frame) {
  await frame.evaluate(AXE);
  const result = await frame.evaluate(async () => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    iframes: false,
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('isolated fields: accessibility, keyboard, styling, options', () => {
  it('axe: the page and the frame (initial, every field in error, co-badge choice) have no serious violation', async () => {
    const { page } = await shop();
    assert.deepEqual(await axe(page), [], 'page');
    assert.deepEqual(await axe(fieldsFrame(page)), [], 'frame, initial');
    await pay(page);
    await fieldsFrame(page).waitForFunction(() => document.querySelectorAll('[aria-invalid=true]').length === 4);
    assert.deepEqual(await axe(fieldsFrame(page)), [], 'frame, every field in error');
    await fields(page).getByLabel('Card number').fill('4970101122334455');
    await fields(page).getByRole('group', { name: 'Card network' }).waitFor();
    assert.deepEqual(await axe(fieldsFrame(page)), [], 'frame, co-badge choice');
    assert.equal(await page.locator('iframe.cc-fields-frame').getAttribute('title'), 'Card details');
    await page.close();
  });

  it('keyboard only: Tab into the frame, through the fields, out to Pay, Enter pays', async () => {
    const { page, problems } = await shop();
    await page.locator('#pay-title').evaluate((h) => { h.tabIndex = -1; h.focus(); });
    await page.keyboard.press('Tab');
    const active = () => fieldsFrame(page).evaluate(() => document.activeElement.id);
    assert.equal(await active(), 'cc-number', 'Tab from the page lands on the card number');
    await page.keyboard.type('4970107111111119');
    // A co-badged card: the network choice comes next, operable with the arrow keys.
    await page.keyboard.press('Tab');
    assert.equal(await fieldsFrame(page).evaluate(() => document.activeElement.type), 'radio');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'cc-expiry');
    await page.keyboard.type('1234');
    await page.keyboard.press('Tab');
    await page.keyboard.type('123');
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'cc-holder');
    await page.keyboard.type('Jeanne Martin');
    await page.keyboard.press('Tab');
    const out = await page.evaluate(() => document.activeElement.id);
    assert.ok(['pay', 'save-card-box'].includes(out), `Tab leaves the frame to the page (${out})`);
    // Enter in a field submits the shop's form, as with in-page inputs.
    await page.keyboard.press('Shift+Tab');
    assert.equal(await active(), 'cc-holder', 'Shift+Tab goes back into the frame');
    await page.keyboard.press('Enter');
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    // handle.focus() and blur() reach into the frame.
    // (The page's side only: see the invalid-fields test.)
    await page.evaluate(() => window.checkout.focus('cvv'));
    assert.equal(await page.evaluate(() => document.activeElement.className), 'cc-fields-frame');
    await page.evaluate(() => window.checkout.blur());
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('style: layouts and states follow the allowed style; a style outside the allow-list throws and changes nothing', async () => {
    const { page } = await shop('?layout=one-row');
    const tops = await fieldsFrame(page).evaluate(() => [...document.querySelectorAll('.cc-input')]
      .map((i) => Math.round(i.getBoundingClientRect().top)));
    assert.equal(new Set(tops).size, 1, `one row: ${tops}`);
    await remount(page, {
      style: { layout: 'stacked', base: { color: 'rgb(1, 2, 3)', fontSize: '18px' }, invalid: { borderColor: '#ff0000' } },
    });
    const looks = await fieldsFrame(page).evaluate(() => {
      const input = document.getElementById('cc-number');
      return { color: getComputedStyle(input).color, size: getComputedStyle(input).fontSize,
        tops: new Set([...document.querySelectorAll('.cc-input')].map((i) => Math.round(i.getBoundingClientRect().top))).size };
    });
    assert.deepEqual(looks, { color: 'rgb(1, 2, 3)', size: '18px', tops: 4 });
    await fields(page).getByLabel('Card number').fill('4970 1011 2233 4456');
    await fields(page).getByLabel('Card number').blur();
    assert.equal(await fields(page).getByLabel('Card number').evaluate((i) => getComputedStyle(i).borderTopColor), 'rgb(255, 0, 0)');
    // With a valid session, so that the style alone is what mount() refuses.
    const errors = await page.evaluate(async () => {
      const s = await (await fetch('/api/demo/checkout-sessions', { method: 'POST' })).json();
      const out = [];
      for (const style of [{ base: { backgroundColor: 'url(https://evil.example/x)' } }, { base: { color: 'red;background:url(x)' } },
        { hover: { color: 'red' } }, { base: { fontFamily: 'Comic Sans MS' } }, { layout: 'grid' }]) {
        try {
          window.cardCapture.mount({ isolated: true, container: '#card-frame', session: s, style });
          out.push('mounted');
        } catch (e) {
          out.push(e.message);
        }
      }
      return out;
    });
    assert.equal(errors.length, 5);
    assert.deepEqual(errors.map((e) => e.replace(/:.*/s, '')), Array(5).fill('card-capture mount'));
    assert.match(errors[0], /style\.base\.backgroundColor: must be a colour/);
    assert.match(errors[1], /style\.base\.color: must be a colour/);
    assert.match(errors[2], /style\.hover: is not layout or a state/);
    assert.match(errors[3], /style\.base\.fontFamily: must be a list of allowed font families/);
    assert.match(errors[4], /style\.layout: must be stacked, two-rows or one-row/);
    assert.equal(await page.locator('iframe.cc-fields-frame').count(), 1, 'no frame was added');
    await page.close();
  });

  it('the frame refuses a session of another payment server, and the page learns why', async () => {
    const { page } = await shop();
    const r = await page.evaluate(async () => {
      const s = await (await fetch('/api/demo/checkout-sessions', { method: 'POST' })).json();
      window.checkout.destroy();
      // The pay URL is the frame's origin, the status URL another one: the client secret would
      // leave for a server the frame does not know.
      const forged = { ...s, statusUrl: 'https://evil.example/status' };
      const h = window.cardCapture.mount({ session: forged, isolated: true, container: '#card-frame' });
      const error = await new Promise((ok) => h.on('error', ok));
      return { error, submit: await h.submit() };
    });
    assert.equal(r.error.code, 'fields_unavailable');
    assert.match(r.error.reason, /statusUrl/);
    assert.equal(r.submit.code, 'fields_unavailable');
    await page.close();
  });

  it('a returning customer: the save box stays on the page, the card is saved from the frame', async () => {
    const { page } = await shop('?customer=iso-shopper');
    await page.getByLabel('Save this card for my next orders').check();
    await fillCard(page, { number: '4970101122334455' });
    const result = page.evaluate(() => new Promise((ok) => window.checkout.on('result', ok)));
    await pay(page);
    const r = await result;
    assert.equal(r.status, 'authorized', JSON.stringify(r));
    assert.equal(r.savedCard?.last4, '4455', JSON.stringify(r));
    await page.close();
  });
});

describe('isolated fields: the script-tag build', () => {
  it('CardCapture.mount({isolated: true}) from the classic script pays as the ES module does', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${shopUrl}/script-tag.html`);
    await page.waitForFunction(() => document.documentElement.dataset.checkout === 'ready');
    await page.evaluate(async () => {
      const s = await (await fetch('/api/demo/checkout-sessions', { method: 'POST' })).json();
      window.checkout.destroy();
      const box = document.createElement('div');
      box.id = 'iso-box';
      document.getElementById('pay-form').prepend(box);
      window.testHandle = window.CardCapture.mount({ session: s, isolated: true, container: '#iso-box' });
      await new Promise((ok) => window.testHandle.on('ready', ok));
    });
    await fillCard(page, { number: '4970107111111119' });
    const r = await page.evaluate(() => window.testHandle.submit());
    assert.equal(r.status, 'authorized', JSON.stringify(r));
    assert.deepEqual(await allViolations(page), []);
    await page.close();
  });
});
