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
import { cspViolations, launchBrowser, ROOT } from './helpers.mjs';
import { ledger, startPaymentServer } from './payment-server.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'isolated');
const AXE = await fs.readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FUTURE = '12 / 34';
const TAG = 'card-capture/fields@1';

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

async function fillCard(page, { number, expiry = FUTURE, cvv = '123', holder = 'Jeanne Martin' }) {
  const f = fields(page);
  await f.getByLabel('Card number').fill(number);
  await f.getByLabel('Expiry date').fill(expiry);
  await f.getByLabel('Security code').fill(cvv);
  await f.getByLabel('Cardholder name').fill(holder);
}

async function pay(page) {
  await page.getByRole('button', { name: /^Pay/ }).click();
}

async function outcome(page, pattern) {
  await page.getByRole('status').filter({ hasText: pattern }).waitFor({ timeout: 20_000 });
  return page.locator('#outcome').textContent();
}

/** The bank's page inside the challenge dialog, inside the fields frame. */
function acs(page) {
  return fields(page).frameLocator('.cc-challenge-frame');
}

// The viewport only: a full-page capture resizes the viewport, which a covering frame follows.
async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

function authorization(e) {
  return [e.type, e.action, e.accepted, e.state];
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
