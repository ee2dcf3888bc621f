// The demo shop's "Use Payline's payment page" button, end to end in Chromium: the buyer goes to
// the gateway's own page (the sandbox's doWebPayment page), pays or cancels there, and comes
// back to the shop, which reads the outcome with resume().
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './helpers.mjs';
import { ledger, startPaymentServer } from './payment-server.mjs';

let server;
let browser;
before(async () => {
  server = await startPaymentServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function toGatewayPage(query = '') {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.checkout === 'ready');
  await page.getByRole('button', { name: "Use Payline's payment page" }).click();
  await page.waitForURL((u) => u.origin === server.sandboxUrl, { timeout: 20_000 });
  return { page, problems };
}

async function backAtTheShop(page, pattern) {
  await page.waitForURL((u) => u.origin === server.url && u.searchParams.has('cardCaptureSession'), { timeout: 20_000 });
  await page.getByRole('status').filter({ hasText: pattern }).waitFor({ timeout: 20_000 });
  return page.locator('#outcome').textContent();
}

describe("the gateway's hosted page from the demo shop", () => {
  it('pays on the gateway page and comes back authorized', async () => {
    const { page, problems } = await toGatewayPage();
    await page.getByLabel('Card number').fill('4970101122334455');
    await page.getByLabel('Expiry date').fill('12/30');
    await page.getByLabel('Security code').fill('123');
    await page.getByLabel('Cardholder name').fill('Jeanne Martin');
    await page.getByRole('button', { name: 'Pay' }).click();
    assert.match(await backAtTheShop(page, /Payment authorized/), /Payment authorized/);
    // The shop never saw the card: it was typed on the gateway's page; one authorization.
    const session = await page.evaluate(() => JSON.parse(sessionStorage.getItem('card-capture-demo-session')));
    const entries = await ledger(server.sandboxUrl, session.orderRef);
    assert.equal(entries.filter((e) => e.type === 'AUTHORIZATION' && e.accepted).length, 1, JSON.stringify(entries));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('cancelled on the gateway page: back at the shop, refused with 02319, nothing paid', async () => {
    const { page } = await toGatewayPage();
    await page.getByRole('button', { name: 'Cancel' }).click();
    const text = await backAtTheShop(page, /Payment (refused|not done)/);
    assert.match(text, /refused/i);
    await page.close();
  });
});
