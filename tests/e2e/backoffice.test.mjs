// The demo shop's back office (www/backoffice.html) on `payment-server --sandbox`: a buyer pays on
// the shop, then the merchant captures, refunds part of it and sees the states change, reads the
// payment's operations, deletes a customer's saved card and cancels an instalment plan; no CSP
// violation, axe-clean.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cspViolations, launchBrowser, ROOT } from './helpers.mjs';
import { startPaymentServer } from './payment-server.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'backoffice');
const AXE = await fs.readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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

function watch(page) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  return problems;
}

/** Pays 25.99 EUR on the demo shop with a frictionless card (ticking "save" for a customer). */
async function payOnShop(page, query = '') {
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.checkout === 'ready');
  await page.getByLabel('Card number').fill('4970107111111119');
  await page.getByLabel('Expiry date').fill('12 / 34');
  await page.getByLabel('Security code').fill('123');
  await page.getByLabel('Cardholder name').fill('Jeanne Martin');
  if (query.includes('customer=')) await page.getByLabel('Save this card for my next orders').check();
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByRole('status').filter({ hasText: /Payment authorized/ }).waitFor({ timeout: 20_000 });
}

/** Runs axe-core (WCAG 2.x A/AA and best practices); the serious and critical violations. */
async function axe(page) {
  // Injected through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function result(page, pattern) {
  const status = page.locator('#result').filter({ hasText: pattern });
  await status.waitFor({ timeout: 20_000 });
  return status.textContent();
}

/**
 * An instalment plan (3 monthly payments of 90.00 EUR in all) for `customer`, paid through the
 * API as the browser module would (the demo shop page has no schedule option): demo session,
 * the sandbox tokenizer, then pay.
 */
async function payInstalments(customer) {
  const post = (url, body, headers = {}) => fetch(url, { method: 'POST', headers, body });
  const cs = await (await post(`${server.url}/api/demo/checkout-sessions`, JSON.stringify({
    amount: 9000, customer: { id: customer },
    schedule: { kind: 'instalments', count: 3, every: 'monthly' },
  }), { 'content-type': 'application/json' })).json();
  const token = await (await post(cs.tokenizer.url, new URLSearchParams({
    data: cs.tokenizer.data, accessKeyRef: cs.tokenizer.accessKeyRef,
    cardNumber: '4970101122334455', cardExpirationDate: '1234', cardCvx: '123',
  }))).text();
  assert.match(token, /^data=/, token);
  const answer = await (await post(cs.payUrl, JSON.stringify({
    tokenData: token.slice('data='.length), brand: 'CB', holder: 'Jeanne Martin',
    browser: { colorDepth: 24, screenWidth: 1280, screenHeight: 800, timeZoneOffset: 0, language: 'en',
      javaEnabled: false, userAgent: 'e2e', challengeWindowSize: '05' },
    threeDS: { mode: 'iframe' }, idempotencyKey: 'k1',
  }), { 'content-type': 'application/json', authorization: `Bearer ${cs.clientSecret}`, origin: server.url })).json();
  assert.equal(answer.status, 'authorized', JSON.stringify(answer));
  return answer.scheduleId;
}

describe('back office on the demo shop', () => {
  it('pay, then capture and refund part of it: the states and amounts change', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);
    await payOnShop(page);
    await page.getByRole('link', { name: 'back office' }).click();
    await page.waitForFunction(() => document.documentElement.dataset.backoffice === 'ready');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.payments), '1');
    const row = page.locator('#payment-rows tr').first();
    const cell = (n) => row.locator('td').nth(n);
    const button = (name) => row.getByRole('button', { name: new RegExp(`^${name} order`) });
    assert.equal(await cell(0).textContent(), 'authorized');
    assert.match(await cell(2).textContent(), /^497010X+1119 \(\w+\)$/, 'masked card and brand');
    assert.equal(await button('Capture').isEnabled(), true);
    assert.equal(await button('Cancel').isEnabled(), true);
    assert.equal(await button('Refund').isEnabled(), false, 'nothing captured yet');
    assert.deepEqual(await axe(page), [], 'payments list');

    await button('Capture').click();
    assert.match(await result(page, /Capture of order .* done/), /done: captured\.$/);
    await row.locator('td[data-status=captured]').waitFor();
    assert.equal(await cell(4).textContent(), '€25.99', 'captured amount');
    assert.equal(await button('Capture').isEnabled(), false, 'fully captured');
    assert.equal(await button('Refund').isEnabled(), true);

    // A partial refund, typed in euros (the page sends minor units).
    await row.getByRole('textbox', { name: /^Amount for order/ }).fill('5.00');
    await button('Refund').click();
    assert.match(await result(page, /Refund of order .* done/), /done: partially refunded\.$/);
    await row.locator('td[data-status=partially_refunded]').waitFor();
    assert.equal(await cell(5).textContent(), '€5.00', 'refunded amount');
    assert.equal(await button('Cancel').isEnabled(), false, 'a refunded payment cannot be cancelled');
    assert.equal(await button('Refund').isEnabled(), true, 'the rest can still be refunded');

    // A bad amount is refused in the page, with the reason in the live region.
    await row.getByRole('textbox', { name: /^Amount for order/ }).fill('abc');
    await button('Refund').click();
    assert.match(await result(page, /type a positive amount/), /Amount for order/);

    await button('Details').click();
    await page.locator('#detail').waitFor();
    await page.locator('#operation-rows tr[data-kind=refund]').waitFor();
    const kinds = await page.locator('#operation-rows tr').evaluateAll((rows) => rows.map((r) => r.dataset.kind));
    assert.deepEqual(kinds, ['authorization', 'capture', 'refund']);
    assert.equal(await page.locator('#attempt-rows tr').count(), 1);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'detail-title', 'focus moves to the detail');
    assert.deepEqual(await axe(page), [], 'with the detail open');
    await page.screenshot({ path: path.join(SHOTS, 'payments.png'), fullPage: true });
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a cancelled authorization; a saved card deleted', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page);
    const customer = `bo-${Date.now().toString(36)}`;
    await payOnShop(page, `?customer=${customer}`);
    await page.goto(`${server.url}/backoffice.html`);
    await page.waitForFunction(() => document.documentElement.dataset.backoffice === 'ready');
    const row = page.locator('#payment-rows tr').first();
    await row.getByRole('button', { name: /^Cancel order/ }).click();
    assert.match(await result(page, /Cancel of order .* done/), /done: cancelled\.$/);
    await row.locator('td[data-status=cancelled]').waitFor();
    for (const name of ['Capture', 'Refund', 'Cancel']) {
      assert.equal(await row.getByRole('button', { name: new RegExp(`^${name} order`) }).isEnabled(), false, name);
    }

    // The card is saved from the payment, possibly just after it: reload until it is listed.
    const block = page.getByRole('region', { name: customer });
    const del = block.getByRole('button', { name: /^Delete card ending 1119/ });
    for (let i = 0; i < 50 && (await del.count()) === 0; i += 1) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(100);
    }
    assert.equal(await del.count(), 1, 'the saved card is listed');
    assert.deepEqual(await axe(page), [], 'with a customer and a card');
    await del.click();
    assert.match(await result(page, /deleted/), new RegExp(`Card ending 1119 of ${customer} deleted\\.`));
    await block.getByText('No saved card.').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'customers.png'), fullPage: true });
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('an instalment plan is listed under its customer and cancelled', async () => {
    const customer = `nx-${Date.now().toString(36)}`;
    await payInstalments(customer);
    const page = await browser.context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/backoffice.html`);
    await page.waitForFunction(() => document.documentElement.dataset.backoffice === 'ready');
    const block = page.getByRole('region', { name: customer });
    const plan = block.locator('li[data-schedule-status]');
    assert.match(await plan.textContent(), /^Instalments, monthly, .* × 3 \(order .*\): active, 1 paid/);
    const cancel = block.getByRole('button', { name: /^Cancel schedule/ });
    assert.equal(await cancel.isEnabled(), true);
    assert.deepEqual(await axe(page), [], 'with a schedule');
    // Its registration at the gateway may still be settling (409, shown in the live region):
    // then a later click cancels. Each click first says "Cancelling…", then the outcome.
    for (let i = 0; i < 50; i += 1) {
      await block.getByRole('button', { name: /^Cancel schedule/ }).click();
      await page.waitForFunction(() => /cancelled\.$|failed/.test(document.getElementById('result').textContent));
      if (!/failed/.test(await page.locator('#result').textContent())) break;
      await page.waitForTimeout(100);
    }
    await block.locator('li[data-schedule-status=cancelled]').waitFor();
    assert.match(await page.locator('#result').textContent(), new RegExp(`of ${customer}: cancelled\\.$`));
    assert.equal(await block.getByRole('button', { name: /^Cancel schedule/ }).isEnabled(), false);
    await page.screenshot({ path: path.join(SHOTS, 'schedules.png'), fullPage: true });
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems.filter((p) => !/status of 409/.test(p)), []);
    await page.close();
  });
});
