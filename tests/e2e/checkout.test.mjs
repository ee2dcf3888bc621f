// The checkout a buyer goes through on the demo shop served by `payment-server --sandbox`:
// typing a card, 3-D Secure in the page, the result. Chromium through playwright-core.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, authorization, cspViolations, fillCard, launchBrowser, outcome, pay, sessionStatus } from './helpers.mjs';
import { ledger, startPaymentServer } from './payment-server.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'checkout');

let server;
let browser;
before(async () => {
  await fs.mkdir(SHOTS, { recursive: true });
  server = await startPaymentServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the demo shop and waits for the mounted form. */
async function shop(query = '', page = '') {
  const tab = await browser.context.newPage();
  const problems = [];
  tab.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  tab.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  await tab.goto(`${server.url}/${page}${query}`);
  await tab.waitForFunction(() => document.documentElement.dataset.checkout !== undefined);
  assert.equal(await tab.evaluate(() => document.documentElement.dataset.checkout), 'ready');
  return { page: tab, problems };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Records the nonce of every message the page receives in window.seenNonces. Waiting until a
 * message is recorded waits until the module has handled it: listeners run in one dispatch,
 * and whatever the module's listener queued (microtasks: the flow resuming, its next request,
 * the frame or dialog removed) runs before the page's next task. So a test can check that a
 * message changed nothing without sleeping.
 */
function recordMessages(page) {
  return page.evaluate(() => {
    window.seenNonces = [];
    window.addEventListener('message', (e) => { window.seenNonces.push(e.data?.nonce); });
  });
}

/** Waits until the page has received messages with each of `nonces`. */
function messagesSeen(page, nonces) {
  return page.waitForFunction((ns) => ns.every((n) => window.seenNonces.includes(n)), nonces);
}

/** The challenge dialog's iframe. */
function acs(page) {
  return page.frameLocator('.cc-challenge-frame');
}

describe('checkout on the demo shop', () => {
  it('frictionless 3-D Secure card: authorized, CVV cleared, no CSP violation', async () => {
    const { page, problems } = await shop();
    await fillCard(page, { number: '4970107111111119' });
    assert.equal(await page.getByLabel('Card number').inputValue(), '4970 1071 1111 1119');
    await pay(page);
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    assert.equal(await page.getByLabel('Security code').inputValue(), '', 'the CVV is cleared after a result');
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    const entries = await ledger(server.sandboxUrl, orderRef);
    assert.deepEqual(entries.map(authorization), [['AUTHORIZATION', 100, true, 'AUTHORIZED']], JSON.stringify(entries));
    // No card data left in the page's markup (values live in input properties only) or storage.
    const leftovers = await page.evaluate(() => document.getElementById('pay-form').outerHTML
      + JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
    assert.doesNotMatch(leftovers, /4970\s?1071\s?1111\s?1119|1111 1119/);
    await shot(page, 'frictionless');
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('challenge with the right code: authorized', async () => {
    const { page, problems } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    await pay(page);
    const dialog = page.getByRole('dialog', { name: 'Card verification by your bank' });
    await dialog.waitFor();
    await acs(page).getByLabel('Verification code').fill('1234');
    await shot(page, 'challenge-open');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    assert.equal(await page.locator('.cc-challenge').count(), 0, 'the dialog is gone');
    await shot(page, 'challenge-success');
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('challenge with a wrong code: refused with the 3-D Secure code', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    await pay(page);
    await acs(page).getByLabel('Verification code').fill('0000');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment refused/), /^Payment refused: .+/);
    const result = await page.evaluate(() => window.checkout.state());
    assert.equal(result.submitting, false);
    await shot(page, 'challenge-failure');
    await page.close();
  });

  it('challenge cancelled in the dialog: abandoned, refused 02319', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    const done = page.evaluate(() => new Promise((ok) => window.checkout.on('result', ok)));
    await pay(page);
    await acs(page).getByLabel('Verification code').waitFor();
    await page.getByRole('button', { name: 'Cancel payment' }).click();
    const result = await done;
    assert.equal(result.status, 'refused');
    assert.equal(result.code, '02319');
    assert.match(await outcome(page, /Payment refused/), /Payment refused: /);
    await shot(page, 'challenge-cancelled');
    await page.close();
  });
});

describe('3-D Secure variants', () => {
  it('redirect mode: the bank page in the top window, then resume() on return', async () => {
    const { page, problems } = await shop('?threeDS=redirect');
    await fillCard(page, { number: '4970105181818183' });
    await pay(page);
    await page.waitForURL(/\/acs\//);
    await page.getByLabel('Verification code').fill('1234');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL(/cardCaptureSession=/);
    await page.waitForFunction(() => document.documentElement.dataset.checkout === 'resumed');
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    await shot(page, 'redirect-resumed');
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('3-D Secure 1 style card (PaReq/MD/TermUrl) in the dialog: authorized', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970100000000030' });
    await pay(page);
    await acs(page).getByLabel('Verification code').fill('1234');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    await shot(page, '3ds1');
    assert.deepEqual(await cspViolations(page), []);
    await page.close();
  });

  it('3DS Method card: hidden method iframe, continue, then frictionless', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970100000000113' });
    const seen = page.waitForRequest((r) => r.url().includes('/acs/method') && r.method() === 'POST');
    const cont = page.waitForRequest((r) => r.url().endsWith('/continue'));
    await pay(page);
    await seen;
    const body = JSON.parse((await cont).postData());
    assert.equal(body.methodCompleted, true, 'the ACS notified within 10 s');
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    assert.equal(await page.locator('iframe').count(), 0, 'the method iframe is removed');
    assert.deepEqual(await cspViolations(page), []);
    await page.close();
  });

  it('a message from another origin or without the nonce is ignored', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    await pay(page);
    await acs(page).getByLabel('Verification code').waitFor();
    const { id } = await page.evaluate(() => window.checkoutOrder);
    await recordMessages(page);
    // From the bank's frame (another origin), with every field right but the origin.
    const bank = page.frames().find((f) => f.url().includes('/acs/'));
    await bank.evaluate((sessionId) => window.parent.postMessage(
      { type: 'card-capture:3ds-complete', sessionId, nonce: 'guess', paymentId: 'x' }, '*'), id);
    // From the page's own origin, without the session's nonce.
    await page.evaluate((sessionId) => window.postMessage(
      { type: 'card-capture:3ds-complete', sessionId, nonce: 'forged', paymentId: 'x' }, '*'), id);
    await messagesSeen(page, ['guess', 'forged']);
    assert.equal(await page.locator('.cc-challenge').count(), 1, 'still waiting for the bank');
    assert.equal((await page.evaluate(() => window.checkout.state())).submitting, true);
    await acs(page).getByLabel('Verification code').fill('1234');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    await page.close();
  });

  it('a challenge left unanswered times out: abandoned, refused', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    // Remount with a 1.5 s challenge timeout instead of the default 10 minutes.
    const result = await page.evaluate(async () => {
      const session = await (await fetch('/api/demo/checkout-sessions', { method: 'POST' })).json();
      window.checkout.destroy();
      const cc = window.cardCapture;
      const handle = cc.mount({
        session,
        fields: { number: '#cc-number', expiry: '#cc-exp', cvv: '#cc-csc', holder: '#cc-name' },
        threeDS: { mode: 'iframe', challengeTimeout: 1500 },
      });
      return handle.submit();
    });
    assert.equal(result.status, 'refused');
    assert.equal(result.code, '02319');
    assert.match(result.message, /took too long/);
    await page.close();
  });
});

/**
 * Replaces the demo's handle with one mounted on a fresh session (returned with the handle's
 * options applied), so a test can read the session's status and nonce itself.
 */
async function remount(page, extra) {
  return page.evaluate(async (options) => {
    const session = await (await fetch('/api/demo/checkout-sessions', { method: 'POST' })).json();
    window.checkout.destroy();
    window.testHandle = window.cardCapture.mount({
      session,
      fields: { number: '#cc-number', expiry: '#cc-exp', cvv: '#cc-csc', holder: '#cc-name' },
      ...options,
    });
    return session;
  }, extra);
}

/** What the module left in the page: dialogs, iframes, inert elements. */
function leftovers(page) {
  return page.evaluate(() => ({
    dialogs: document.querySelectorAll('.cc-challenge, [role=dialog]').length,
    iframes: document.querySelectorAll('iframe').length,
    inert: document.querySelectorAll('[inert]').length,
  }));
}

/** Counts the loads of the hidden 3DS Method iframe in window.methodFrameLoads. */
function countMethodFrameLoads(page) {
  return page.evaluate(() => {
    window.methodFrameLoads = 0;
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.matches?.('iframe.cc-method-frame')) n.addEventListener('load', () => { window.methodFrameLoads += 1; });
        }
      }
    }).observe(document.body, { childList: true });
  });
}

/**
 * The sandbox ACS's pages without their auto-submit script: the 3DS Method page loads in the
 * hidden iframe and notifies the threeDSMethodNotificationURL only when the test submits its
 * form (an ACS still fingerprinting after its page has loaded). Only the script is replaced:
 * the page itself still comes from the sandbox (a document made up by the test would not be
 * allowed to navigate to the loopback payment server, Chromium's local network access checks).
 */
async function holdMethodNotification(page) {
  await page.route('**/acs/acs.js', (route) => route.fulfill({
    contentType: 'text/javascript',
    body: '// held by the test: the form is submitted later\n',
  }));
}

describe('destroy() and the 3DS Method', () => {
  it('destroy() during an open challenge: nothing left, the promise settles destroyed, the attempt is abandoned', async () => {
    const { page, problems } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    const session = await remount(page, {});
    await page.evaluate(() => { window.pending = window.testHandle.submit(); });
    await acs(page).getByLabel('Verification code').waitFor();
    const open = await leftovers(page);
    assert.equal(open.dialogs, 1);
    assert.equal(open.iframes, 1);
    assert.ok(open.inert > 0, 'the page behind the dialog is inert');
    assert.equal((await sessionStatus(session)).status, 'processing');
    // destroy(), then at once (same task) what is left in the page.
    await page.evaluate(() => {
      window.testHandle.destroy();
      window.testHandle.destroy();
    });
    assert.deepEqual(await leftovers(page), { dialogs: 0, iframes: 0, inert: 0 });
    const result = await page.evaluate(() => window.pending);
    assert.equal(result.status, 'error', JSON.stringify(result));
    assert.equal(result.code, 'destroyed');
    assert.equal(result.message, 'The payment form was closed.');
    // The server closed the attempt as the Cancel button does: refused 02319, not left pending.
    const st = await sessionStatus(session);
    assert.equal(st.status, 'refused', JSON.stringify(st));
    assert.equal(st.payment.code, '02319', JSON.stringify(st));
    assert.equal((await page.evaluate(() => window.testHandle.state())).submitting, false);
    // The inputs are usable again and keep what the buyer typed (only the module's marks go).
    assert.equal(await page.getByLabel('Card number').getAttribute('data-cc-state'), null);
    assert.equal(await page.getByLabel('Cardholder name').inputValue(), 'Jeanne Martin');
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a slow ACS: the method does not continue before its notification, forged messages are ignored', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970100000000113' });
    const session = await remount(page, { timeouts: { method: 15000 } });
    await countMethodFrameLoads(page);
    await holdMethodNotification(page);
    const continues = [];
    page.on('request', (r) => { if (r.url().endsWith('/continue')) continues.push(r); });
    await page.evaluate(() => { window.pending = window.testHandle.submit(); });
    // The ACS's page has loaded in the hidden iframe, but it has not notified yet.
    await page.waitForFunction(() => window.methodFrameLoads >= 1);
    // Had the load ended the method round, the frame would be gone already: it is removed in
    // the microtasks after the load, before this check's task.
    assert.equal(await page.locator('iframe.cc-method-frame').count(), 1, 'the load does not end the method');
    assert.deepEqual(continues, [], 'no continue while the ACS has not notified');
    await recordMessages(page);
    // Forged completions: from the ACS's frame (another origin) with the right nonce, and from
    // the page's own origin with a wrong nonce.
    const bank = page.frames().find((f) => f.url().includes('/acs/method'));
    assert.ok(bank, 'the ACS method page is in the hidden iframe');
    await bank.evaluate((s) => window.parent.postMessage(
      { type: 'card-capture:3ds-method-complete', sessionId: s.id, nonce: s.nonce, paymentId: 'x' }, '*'), session);
    await page.evaluate((s) => window.postMessage(
      { type: 'card-capture:3ds-method-complete', sessionId: s.id, nonce: 'forged', paymentId: 'x' }, '*'), session);
    await messagesSeen(page, [session.nonce, 'forged']);
    assert.deepEqual(continues, [], 'forged messages are ignored');
    assert.equal(await page.locator('iframe.cc-method-frame').count(), 1);
    // The ACS notifies now: its form to the threeDSMethodNotificationURL, as its script would.
    await bank.evaluate(() => document.querySelector('form').submit());
    const result = await page.evaluate(() => window.pending);
    assert.equal(result.status, 'authorized', JSON.stringify(result));
    assert.equal(continues.length, 1);
    assert.equal(JSON.parse(continues[0].postData()).methodCompleted, true);
    assert.equal(await page.locator('iframe').count(), 0, 'the method iframe is removed');
    assert.deepEqual(await cspViolations(page), []);
    await page.close();
  });

  it('destroy() during the 3DS Method: the hidden iframe goes at once, the attempt is abandoned', async () => {
    const { page, problems } = await shop();
    await fillCard(page, { number: '4970100000000113' });
    const session = await remount(page, { timeouts: { method: 15000 } });
    await countMethodFrameLoads(page);
    await holdMethodNotification(page);
    await page.evaluate(() => { window.pending = window.testHandle.submit(); });
    await page.waitForFunction(() => window.methodFrameLoads >= 1);
    await page.evaluate(() => window.testHandle.destroy());
    assert.deepEqual(await leftovers(page), { dialogs: 0, iframes: 0, inert: 0 });
    const result = await page.evaluate(() => window.pending);
    assert.equal(result.code, 'destroyed', JSON.stringify(result));
    const st = await sessionStatus(session);
    assert.equal(st.status, 'refused', JSON.stringify(st));
    assert.equal(st.payment.code, '02319', JSON.stringify(st));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('an ACS that never notifies: continue with methodCompleted false after the timeout', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970100000000113' });
    await remount(page, { timeouts: { method: 1500 } });
    await countMethodFrameLoads(page);
    await holdMethodNotification(page);
    const cont = page.waitForRequest((r) => r.url().endsWith('/continue'));
    const result = await page.evaluate(() => window.testHandle.submit());
    assert.equal(JSON.parse((await cont).postData()).methodCompleted, false);
    assert.ok(await page.evaluate(() => window.methodFrameLoads) >= 1, 'the frame loaded, which is not the end of the method');
    assert.equal(result.status, 'authorized', JSON.stringify(result));
    assert.equal(await page.locator('iframe').count(), 0);
    await page.close();
  });
});

describe('refusals, errors and retries', () => {
  it('refused by the amount convention: the retry data is swapped in and the next card is processed', async () => {
    const { page } = await shop('?amount=33305');
    await fillCard(page, { number: '4970101122334455' });
    await pay(page);
    assert.match(await outcome(page, /Payment refused/), /^Payment refused: .+/);
    // Same session, new attempt (<orderRef>-2) with the swapped-in tokenizer data: the gateway
    // gets it, and (Payline's simulator convention) refuses every card for this amount.
    await fillCard(page, { number: '5130000000000010' });
    const second = page.evaluate(() => new Promise((ok) => window.checkout.on('result', ok)));
    await pay(page);
    const result = await second;
    assert.equal(result.status, 'refused', JSON.stringify(result));
    assert.equal(result.code, '01100');
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    assert.ok((await ledger(server.sandboxUrl, `${orderRef}-2`)).length > 0, 'second attempt reached the gateway');
    await page.close();
  });

  it('refused card (card-number convention), then another card succeeds', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970103469012066' });
    await pay(page);
    assert.match(await outcome(page, /Payment refused/), /^Payment refused: .+/);
    await fillCard(page, { number: '4970101122334455' });
    await pay(page);
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    await shot(page, 'retry-after-refusal');
    await page.close();
  });

  it('challenge failed in the dialog, then another card typed in the same page is authorized', async () => {
    const { page, problems } = await shop();
    await fillCard(page, { number: '4970105181818183' });
    await pay(page);
    await acs(page).getByLabel('Verification code').fill('0000');
    await acs(page).getByRole('button', { name: 'Submit' }).click();
    assert.match(await outcome(page, /Payment refused/), /^Payment refused: .+/);
    // The refusal reached the page through the status URL, which carries the next attempt's
    // tokenizer data: the second card goes to the gateway under <orderRef>-2.
    await fillCard(page, { number: '4970101122334455' });
    const second = page.evaluate(() => new Promise((ok) => window.checkout.on('result', ok)));
    await pay(page);
    const result = await second;
    assert.equal(result.status, 'authorized', JSON.stringify(result));
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    const entries = await ledger(server.sandboxUrl, `${orderRef}-2`);
    assert.deepEqual(entries.map(authorization), [['AUTHORIZATION', 100, true, 'AUTHORIZED']], JSON.stringify(entries));
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('tokenizer unreachable: a clear error, then a retry succeeds', async () => {
    const { page } = await shop();
    let blocked = 0;
    await page.route('**/webpayment/getToken', (route) => {
      blocked += 1;
      return route.abort('connectionrefused');
    });
    await fillCard(page, { number: '4970101122334455' });
    await pay(page);
    assert.match(await outcome(page, /could not be reached/), /Payment not done: The payment service could not be reached/);
    await page.unroute('**/webpayment/getToken');
    assert.equal(blocked, 1);
    await page.getByLabel('Security code').fill('123');
    await pay(page);
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    await page.close();
  });

  it('double click: one promise, one authorization', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970101122334455' });
    const same = await page.evaluate(async () => {
      const a = window.checkout.submit();
      const b = window.checkout.submit();
      const r = await a;
      return a === b && r.status === 'authorized';
    });
    assert.equal(same, true);
    const { page: page2 } = await shop();
    await fillCard(page2, { number: '4970101122334455' });
    const button = page2.getByRole('button', { name: /^Pay/ });
    // Two clicks in a row: the second submit() gets the first one's promise.
    await button.dblclick();
    assert.match(await outcome(page2, /Payment authorized/), /Payment authorized$/);
    const { orderRef } = await page2.evaluate(() => window.checkoutOrder);
    const entries = await ledger(server.sandboxUrl, orderRef);
    assert.equal(entries.length, 1, JSON.stringify(entries));
    await page.close();
    await page2.close();
  });
});

describe('the form', () => {
  for (const [locale, texts] of [
    ['en', { number: 'This card number is not valid. Check the digits.', expiry: 'This card has expired.', cvv: 'Enter the security code.', holder: 'Enter the name on the card.' }],
    ['fr', { number: 'Ce numéro de carte n’est pas valide. Vérifiez les chiffres.', expiry: 'Cette carte est expirée.', cvv: 'Saisissez le cryptogramme visuel.', holder: 'Saisissez le nom du titulaire de la carte.' }],
  ]) {
    it(`invalid input is shown inline (${locale}), nothing is sent`, async () => {
      const { page } = await shop(`?locale=${locale}`);
      const sent = [];
      page.on('request', (r) => { if (r.method() === 'POST') sent.push(r.url()); });
      await page.getByLabel('Card number').fill('4970 1011 2233 4456');
      await page.getByLabel('Expiry date').fill('01/20');
      assert.equal(await page.getByLabel('Expiry date').getAttribute('aria-invalid'), 'true', 'a past date is flagged at once');
      await pay(page);
      for (const [field, label] of [['number', 'Card number'], ['expiry', 'Expiry date'], ['cvv', 'Security code'], ['holder', 'Cardholder name']]) {
        const input = page.getByLabel(label);
        assert.equal(await input.getAttribute('aria-invalid'), 'true', field);
        assert.equal(await input.getAttribute('data-cc-state'), 'invalid', field);
        const ids = (await input.getAttribute('aria-describedby')).split(' ');
        const message = page.locator(`#${ids.at(-1)}`);
        assert.equal(await message.textContent(), texts[field], field);
        assert.equal(await message.getAttribute('aria-live'), 'polite');
      }
      assert.equal(await page.evaluate(() => document.activeElement.id), 'cc-number', 'focus goes to the first error');
      assert.deepEqual(sent, []);
      await shot(page, `invalid-${locale}`);
      await page.close();
    });
  }

  it('co-badged card: the buyer chooses Visa, the gateway records cardBrand VISA', async () => {
    const { page } = await shop();
    await fillCard(page, { number: '4970101122334455' });
    const group = page.getByRole('group', { name: 'Card network' });
    await group.waitFor();
    assert.equal(await group.getByRole('radio', { name: 'Cartes Bancaires' }).isChecked(), true, 'CB first by default');
    await group.getByRole('radio', { name: 'Visa' }).check();
    await pay(page);
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    const entries = await ledger(server.sandboxUrl, orderRef);
    assert.equal(entries[0].cardBrand, 'VISA', JSON.stringify(entries));
    await shot(page, 'co-badge-visa');
    await page.close();
  });

  it('a brand the session does not accept is an inline error, nothing is sent', async () => {
    const { page } = await shop();
    const sent = [];
    page.on('request', (r) => { if (r.method() === 'POST') sent.push(r.url()); });
    // Discover: a valid card, but not in the session's acceptedBrands.
    await fillCard(page, { number: '6011111111111117' });
    const number = page.getByLabel('Card number');
    assert.equal(await number.getAttribute('aria-invalid'), 'true');
    const result = await page.evaluate(() => window.checkout.submit());
    assert.equal(result.status, 'invalid');
    assert.equal(result.fields.number, 'This type of card is not accepted here.');
    assert.deepEqual(sent, []);
    await page.close();
  });

  it('a pasted number with dashes is formatted', async () => {
    const { page } = await shop();
    await page.getByLabel('Card number').evaluate((el) => {
      el.focus();
      el.value = '4970-1011-2233-4455';
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    });
    assert.equal(await page.getByLabel('Card number').inputValue(), '4970 1011 2233 4455');
    assert.equal(await page.getByLabel('Card number').evaluate((el) => el.selectionStart), 19);
    await page.close();
  });

  it('formatting, autofill attributes and all fields filled at once', async () => {
    const { page } = await shop();
    const attrs = await page.evaluate(() => ['cc-number', 'cc-exp', 'cc-csc', 'cc-name'].map((id) => {
      const el = document.getElementById(id);
      return [el.getAttribute('autocomplete'), el.getAttribute('inputmode')];
    }));
    assert.deepEqual(attrs, [['cc-number', 'numeric'], ['cc-exp', 'numeric'], ['cc-csc', 'numeric'], ['cc-name', null]]);
    // What browser autofill does: set every value, then fire input and change on each.
    await page.evaluate(() => {
      const values = { 'cc-number': '378282246310005', 'cc-exp': '12/2034', 'cc-csc': '1234', 'cc-name': 'Jeanne Martin' };
      for (const [id, v] of Object.entries(values)) document.getElementById(id).value = v;
      for (const id of Object.keys(values)) {
        const el = document.getElementById(id);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
    });
    assert.equal(await page.getByLabel('Card number').inputValue(), '3782 822463 10005');
    assert.equal(await page.getByLabel('Expiry date').inputValue(), '12 / 34');
    assert.equal(await page.getByLabel('Security code').getAttribute('maxlength'), '4', 'Amex prints 4 digits');
    const state = await page.evaluate(() => window.checkout.state());
    assert.equal(state.complete, true, JSON.stringify(state));
    // Typing in the middle keeps the caret after the typed digit.
    await page.getByLabel('Card number').fill('');
    await page.getByLabel('Card number').pressSequentially('42424242');
    await page.getByLabel('Card number').evaluate((el) => el.setSelectionRange(2, 2));
    await page.keyboard.type('1');
    assert.equal(await page.getByLabel('Card number').inputValue(), '4214 2424 2');
    assert.equal(await page.getByLabel('Card number').evaluate((el) => el.selectionStart), 3);
    await page.close();
  });
});
