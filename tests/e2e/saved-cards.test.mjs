// A returning customer on the demo shop served by `payment-server --sandbox`: "save this card"
// shown only when the session offers it, a card saved from its payment, then paid with again
// from the saved-card list (3-D Secure included), the shop's card list at the payment server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cspViolations, fillCard, launchBrowser, outcome } from './helpers.mjs';
import { ledger, startPaymentServer } from './payment-server.mjs';

// The shop backend's token, for the card list and deletion.
const ADMIN = 'e2e-saved-cards-admin-token-0123456789';

let server;
let browser;
before(async () => {
  server = await startPaymentServer({ env: { ADMIN_TOKEN: ADMIN } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function shop(query = '') {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.checkout !== undefined);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.checkout), 'ready');
  return { page, problems };
}

async function passChallenge(page) {
  await page.getByRole('dialog', { name: 'Card verification by your bank' }).waitFor();
  const acs = page.frameLocator('.cc-challenge-frame');
  await acs.getByLabel('Verification code').fill('1234');
  await acs.getByRole('button', { name: 'Submit' }).click();
}

async function cards(customer) {
  const res = await fetch(`${server.url}/api/customers/${customer}/cards`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  return { status: res.status, body: await res.json() };
}

function customerId() {
  return `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

describe('saved cards on the demo shop', () => {
  it('without a customer, no "save this card" box and no saved cards', async () => {
    const { page, problems } = await shop();
    assert.equal(await page.locator('#save-card').isHidden(), true);
    assert.equal(await page.locator('#saved-cards').isHidden(), true);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a ticked card is saved with its payment and pays again from the list', async () => {
    const customer = customerId();
    let { page, problems } = await shop(`?customer=${customer}`);
    const box = page.getByLabel('Save this card for my next orders');
    assert.equal(await box.isVisible(), true, 'offered by the session');
    assert.equal(await page.locator('#saved-cards').isHidden(), true, 'no card saved yet');
    await fillCard(page, { number: '4970101122334455' });
    await box.check();
    await page.locator('#pay').click();
    assert.match(await outcome(page, /Payment authorized/), /card ending 4455 saved/);
    assert.deepEqual(problems, []);
    await page.close();

    // The shop's backend sees it.
    const listed = await cards(customer);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.length, 1);
    assert.equal(listed.body[0].last4, '4455');

    // Next visit: the card is offered; paying with it sends no card data from the page.
    ({ page, problems } = await shop(`?customer=${customer}`));
    const radio = page.getByRole('radio', { name: /CB •••• 4455/ });
    assert.equal(await radio.isChecked(), true);
    const posted = [];
    page.on('request', (r) => { if (r.method() === 'POST') posted.push(r.postData() || ''); });
    await page.getByRole('button', { name: 'Pay with the selected card' }).click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized/);
    assert.ok(posted.some((b) => b.includes(listed.body[0].cardId)), 'the pay names the saved card');
    assert.ok(posted.every((b) => !/4970101122334455|cardNumber/.test(b)), 'no card data sent');
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    const entries = await ledger(server.sandboxUrl, orderRef);
    assert.equal(entries.length, 1, JSON.stringify(entries));
    assert.equal(entries[0].accepted, true);
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a saved card that asks for 3-D Secure goes through the challenge dialog', async () => {
    const customer = customerId();
    let { page, problems } = await shop(`?customer=${customer}`);
    await fillCard(page, { number: '4970105181818183' });
    await page.getByLabel('Save this card for my next orders').check();
    await page.locator('#pay').click();
    await passChallenge(page);
    await outcome(page, /Payment authorized/);
    await page.close();
    assert.equal((await cards(customer)).body.length, 1);

    ({ page, problems } = await shop(`?customer=${customer}`));
    await page.getByRole('button', { name: 'Pay with the selected card' }).click();
    await passChallenge(page);
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('an unticked box saves nothing; a deleted card is refused with a clear message', async () => {
    const customer = customerId();
    let { page } = await shop(`?customer=${customer}`);
    await fillCard(page, { number: '4970101122334455' });
    await page.locator('#pay').click();
    assert.match(await outcome(page, /Payment authorized/), /Payment authorized$/);
    await page.close();
    assert.deepEqual((await cards(customer)).body, []);

    ({ page } = await shop(`?customer=${customer}`));
    await fillCard(page, { number: '5130000000000010' });
    await page.getByLabel('Save this card for my next orders').check();
    await page.locator('#pay').click();
    await outcome(page, /Payment authorized/);
    await page.close();
    const [card] = (await cards(customer)).body;

    ({ page } = await shop(`?customer=${customer}`));
    // The shop deletes the card while the page still lists it.
    const del = await fetch(`${server.url}/api/customers/${customer}/cards/${card.cardId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    assert.equal(del.status, 204);
    const result = await page.evaluate((id) => window.checkout.submit({ savedCard: id }), card.cardId);
    assert.equal(result.status, 'error');
    assert.equal(result.code, 'saved_card_unavailable');
    assert.match(result.message, /can no longer be used/);
    await page.close();
  });
});
