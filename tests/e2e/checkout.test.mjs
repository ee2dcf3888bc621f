// The checkout a buyer goes through on the demo shop served by `payment-server --sandbox`:
// typing a card, 3-D Secure in the page, the result. Chromium through playwright-core.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cspViolations, launchBrowser, ROOT } from './helpers.mjs';
import { ledger, startPaymentServer } from './payment-server.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'checkout');
const FUTURE = '12 / 34';

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
async function shop(query = '', page = 'checkout.html') {
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

async function fillCard(page, { number, expiry = FUTURE, cvv = '123', holder = 'Jeanne Martin' }) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry date').fill(expiry);
  await page.getByLabel('Security code').fill(cvv);
  await page.getByLabel('Cardholder name').fill(holder);
}

async function pay(page) {
  await page.getByRole('button', { name: /^Pay/ }).click();
}

async function outcome(page, pattern) {
  const status = page.getByRole('status').filter({ hasText: pattern });
  await status.waitFor({ timeout: 20_000 });
  return page.locator('#outcome').textContent();
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
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
    assert.ok(entries.some((e) => /authori/i.test(JSON.stringify(e))), JSON.stringify(entries));
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
