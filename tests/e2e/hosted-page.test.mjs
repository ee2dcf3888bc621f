// The sandbox's hosted payment page (Payline WebPaymentAPI: doWebPayment → redirectURL →
// returnURL / cancelURL, then getWebPaymentDetails) driven by Chromium, with the built
// card-capture module formatting card entry on the page: a not-enrolled card, a 3-D Secure
// challenge through the ACS page, the buyer's saved wallet card through the same challenge, the
// 3DS Method step in a hidden iframe (notified, and timed out), and "Cancel".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { FILES, PKG_DIR, ROOT, cspViolations, launchBrowser, openPage } from './helpers.mjs';
import { workspaceBinary } from './payment-server.mjs';

// The sandbox's built-in merchant (crates/payline-sandbox/README.md, Credentials).
const MERCHANT = '12345678901234';
const ACCESS_KEY = 'SANDBOXACCESSKEY0001';
const AUTH = `Basic ${Buffer.from(`${MERCHANT}:${ACCESS_KEY}`).toString('base64')}`;
const FIXTURES = path.join(ROOT, 'crates', 'payline-protocol', 'tests', 'fixtures');
const SHOTS = path.join(ROOT, 'test-results');

// Payline 3-D Secure test cards (sandbox README): not enrolled, challenge, 3DS Method first.
const NOT_ENROLLED = '4970101122334455';
const CHALLENGE = '4970105181818183';
const METHOD = '4970100000000113';

/** The payline-sandbox executable (see workspaceBinary); PAYLINE_SANDBOX_BIN names a ready one. */
function sandboxBinary() {
  return process.env.PAYLINE_SANDBOX_BIN || workspaceBinary('payline-sandbox');
}

/** `payline-sandbox --listen 127.0.0.1:0 --db :memory: --browser-module pkg/`. */
async function startSandbox() {
  const child = spawn(sandboxBinary(),
    ['--listen', '127.0.0.1:0', '--db', ':memory:', '--browser-module', PKG_DIR], {
      cwd: ROOT,
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`payline-sandbox did not start:\n${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`payline-sandbox exited with ${code}:\n${stderr}`));
    });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^payline-sandbox listening on (http:\/\/\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    });
  });
  return {
    url,
    async close() {
      child.removeAllListeners('exit');
      const exited = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** The merchant's side: plain returnURL / cancelURL pages and a notificationURL receiver. */
async function startMerchant() {
  const notifications = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/notify') {
      notifications.push(url.search);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    if (url.pathname === '/return' || url.pathname === '/cancel') {
      const title = url.pathname === '/return' ? 'Thank you' : 'Payment cancelled';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1></body></html>`);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function soap(sandboxUrl, body) {
  const res = await fetch(`${sandboxUrl}/V4/services/WebPaymentAPI`, {
    method: 'POST',
    headers: { Authorization: AUTH, 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' },
    body,
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return text;
}

function element(xml, name) {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return m?.[1];
}

function resultCode(xml) {
  return /<(?:[\w-]+:)?result>\s*<(?:[\w-]+:)?code>(\d{5})</.exec(xml)?.[1];
}

function xmlText(s) {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
}

/** doWebPayment from the golden request, with this test's order ref and merchant URLs; with
 * `walletId`, buyer.walletId (an unknown one is created from the card paid with). */
async function doWebPayment(sandboxUrl, merchantUrl, orderRef, walletId) {
  const fixture = await fs.readFile(path.join(FIXTURES, 'doWebPayment', 'request.xml'), 'utf8');
  const request = fixture
    .replace(/<ns2:returnURL>[^<]*<\/ns2:returnURL>/, `<ns2:returnURL>${xmlText(`${merchantUrl}/return?order=${orderRef}`)}</ns2:returnURL>`)
    .replace(/<ns2:cancelURL>[^<]*<\/ns2:cancelURL>/, `<ns2:cancelURL>${xmlText(`${merchantUrl}/cancel`)}</ns2:cancelURL>`)
    .replace(/<ns2:notificationURL>[^<]*<\/ns2:notificationURL>/, `<ns2:notificationURL>${xmlText(`${merchantUrl}/notify`)}</ns2:notificationURL>`)
    // No wallet unless asked: the plain card form.
    .replace(/<ns1:walletId>[^<]*<\/ns1:walletId>/, walletId ? `<ns1:walletId>${xmlText(walletId)}</ns1:walletId>` : '')
    .replaceAll('CMD-2025-0200', orderRef);
  assert.notEqual(request, fixture);
  const answer = await soap(sandboxUrl, request);
  assert.equal(resultCode(answer), '00000', answer);
  const token = element(answer, 'token');
  const redirectURL = element(answer, 'redirectURL')?.replaceAll('&amp;', '&');
  assert.ok(token && redirectURL, answer);
  return { token, redirectURL };
}

async function webPaymentDetails(sandboxUrl, token) {
  const fixture = await fs.readFile(path.join(FIXTURES, 'getWebPaymentDetails', 'request.xml'), 'utf8');
  return soap(sandboxUrl, fixture.replace(/<impl:token>[^<]*<\/impl:token>/, `<impl:token>${token}</impl:token>`));
}

/** The resultContainer of getWebPaymentDetails' authentication3DSecure, decoded (base64url JSON). */
function resultContainer(xml) {
  const raw = element(xml, 'resultContainer');
  assert.ok(raw, xml);
  return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
}

describe('hosted payment page in Chromium', () => {
  let sandbox;
  let merchant;
  let browser;

  before(async () => {
    await fs.access(path.join(PKG_DIR, FILES.esm)).catch(() => {
      throw new Error(`${PKG_DIR} has no ${FILES.esm}: run \`node scripts/build.mjs\` first`);
    });
    await fs.mkdir(SHOTS, { recursive: true });
    sandbox = await startSandbox();
    merchant = await startMerchant();
    browser = await launchBrowser();
    // Neither server has an icon; the browser's automatic request would log a 404.
    await browser.context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  });

  after(async () => {
    await browser?.close();
    await merchant?.close();
    await sandbox?.close();
  });

  /** Opens redirectURL; waits for card-capture to format the form; fills the card fields. */
  async function openAndFill(redirectURL, card) {
    const { page, problems } = await openPage(browser.context, redirectURL);
    await page.waitForFunction(() => document.body.dataset.enhanced === 'card-capture');
    await page.getByLabel('Card number').fill(card);
    await page.getByLabel('Expiry date').fill('1230');
    await page.getByLabel('Security code').fill('123');
    await page.getByLabel('Cardholder name').fill('Anne Dupont');
    // The module's as-you-type formatting (the same as a merchant checkout's).
    assert.equal(await page.getByLabel('Card number').inputValue(), card.replace(/(\d{4})(?=\d)/g, '$1 '));
    assert.equal(await page.getByLabel('Expiry date').inputValue(), '12 / 30');
    assert.deepEqual(await cspViolations(page), []);
    return { page, problems };
  }

  async function assertReturned(page, token, pathname) {
    await page.waitForURL((u) => u.origin === merchant.url && u.pathname === pathname);
    assert.equal(new URL(page.url()).searchParams.get('paylinetoken'), token);
  }

  it('a not-enrolled card: Pay → returnURL, getWebPaymentDetails 00000', async () => {
    const { token, redirectURL } = await doWebPayment(sandbox.url, merchant.url, 'E2E-HOSTED-1');
    const { page, problems } = await openAndFill(redirectURL, NOT_ENROLLED);
    await page.screenshot({ path: path.join(SHOTS, 'hosted-page-filled.png') });
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await assertReturned(page, token, '/return');
    assert.equal(new URL(page.url()).searchParams.get('order'), 'E2E-HOSTED-1');
    await page.screenshot({ path: path.join(SHOTS, 'hosted-page-returned.png') });
    const details = await webPaymentDetails(sandbox.url, token);
    assert.equal(resultCode(details), '00000', details);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a challenge card: Pay → ACS page, code 1234 → returnURL, getWebPaymentDetails 00000', async () => {
    const { token, redirectURL } = await doWebPayment(sandbox.url, merchant.url, 'E2E-HOSTED-2');
    const { page, problems } = await openAndFill(redirectURL, CHALLENGE);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    // The hosted page continues to the ACS on its own.
    const code = page.getByLabel('Verification code');
    await code.waitFor();
    assert.equal(new URL(page.url()).origin, sandbox.url);
    assert.deepEqual(await cspViolations(page), []);
    await code.fill('1234');
    await page.screenshot({ path: path.join(SHOTS, 'hosted-page-acs.png') });
    await page.getByRole('button', { name: 'Submit' }).click();
    await assertReturned(page, token, '/return');
    const details = await webPaymentDetails(sandbox.url, token);
    assert.equal(resultCode(details), '00000', details);
    assert.deepEqual(problems, []);
    await page.close();
  });

  /** On the ACS challenge page: code 1234, Submit, back to returnURL. */
  async function passChallenge(page, token) {
    const code = page.getByLabel('Verification code');
    await code.waitFor();
    assert.equal(new URL(page.url()).origin, sandbox.url);
    await code.fill('1234');
    await page.getByRole('button', { name: 'Submit' }).click();
    await assertReturned(page, token, '/return');
  }

  it('the saved wallet card: Pay with saved card → ACS challenge → returnURL', async () => {
    const walletId = `E2E-WALLET-${process.pid}`;
    // First purchase: the unknown walletId is created from the card, after its challenge.
    const first = await doWebPayment(sandbox.url, merchant.url, 'E2E-HOSTED-4', walletId);
    const { page, problems } = await openAndFill(first.redirectURL, CHALLENGE);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await passChallenge(page, first.token);
    assert.equal(resultCode(await webPaymentDetails(sandbox.url, first.token)), '00000');

    // Next purchase: the saved card is offered; paying with it goes through 3-D Secure too.
    const { token, redirectURL } = await doWebPayment(sandbox.url, merchant.url, 'E2E-HOSTED-5', walletId);
    await page.goto(redirectURL);
    await page.getByText('Saved card 497010XXXXXX8183').waitFor();
    await page.getByRole('button', { name: 'Pay with saved card' }).click();
    await page.getByLabel('Verification code').waitFor();
    assert.deepEqual(await cspViolations(page), []);
    await page.screenshot({ path: path.join(SHOTS, 'hosted-page-saved-card-acs.png') });
    await passChallenge(page, token);
    const details = await webPaymentDetails(sandbox.url, token);
    assert.equal(resultCode(details), '00000', details);
    assert.equal(resultContainer(details).effectiveAuthType, 'CH');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('the 3DS Method: the ACS page runs in a hidden iframe, then frictionless → returnURL', async () => {
    const { token, redirectURL } = await doWebPayment(sandbox.url, merchant.url, 'E2E-HOSTED-6');
    const { page, problems } = await openAndFill(redirectURL, METHOD);
    const methodRequests = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/acs/method') || req.url().endsWith('/webpayment/3ds-method-notify')) {
        methodRequests.push(`${req.frame() === page.mainFrame() ? 'top' : 'iframe'} ${new URL(req.url()).pathname}`);
      }
    });
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await assertReturned(page, token, '/return');
    // Both the ACS's method page and its notification loaded inside the iframe, never the page.
    assert.deepEqual(methodRequests, ['iframe /acs/method', 'iframe /webpayment/3ds-method-notify']);
    const details = await webPaymentDetails(sandbox.url, token);
    assert.equal(resultCode(details), '00000', details);
    // EMV 3DS threeDSCompInd: the method completed.
    assert.equal(resultContainer(details).threeDSCompInd, 'Y');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('the 3DS Method without a notification: after 10 s the page continues as not completed', async () => {
    const { token, redirectURL } = await doWebPayment(sandbox.url, merchant.url, 'E2E-HOSTED-7');
    const { page, problems } = await openAndFill(redirectURL, METHOD);
    // An ACS method page that never notifies.
    await page.route('**/acs/method', (route) => route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>3DS Method</title></head><body></body></html>',
    }));
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByText('Your bank is checking this device').waitFor();
    assert.deepEqual(await cspViolations(page), []);
    await page.screenshot({ path: path.join(SHOTS, 'hosted-page-method.png') });
    await page.waitForURL((u) => u.origin === merchant.url, { timeout: 30_000 });
    assert.equal(new URL(page.url()).searchParams.get('paylinetoken'), token);
    const details = await webPaymentDetails(sandbox.url, token);
    assert.equal(resultCode(details), '00000', details);
    assert.equal(resultContainer(details).threeDSCompInd, 'N');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('Cancel → cancelURL, getWebPaymentDetails 02319', async () => {
    const { token, redirectURL } = await doWebPayment(sandbox.url, merchant.url, 'E2E-HOSTED-3');
    const { page, problems } = await openPage(browser.context, redirectURL);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await assertReturned(page, token, '/cancel');
    await page.screenshot({ path: path.join(SHOTS, 'hosted-page-cancelled.png') });
    const details = await webPaymentDetails(sandbox.url, token);
    // Payline getWebPaymentDetails: 02319, payment cancelled by the buyer.
    assert.equal(resultCode(details), '02319', details);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
