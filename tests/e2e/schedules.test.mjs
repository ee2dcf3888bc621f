// Instalments and a subscription bought on the demo shop served by `payment-server --sandbox`:
// the checkout pays the first payment in the browser, the gateway bills the rest when the
// sandbox's clock moves, and the payment server learns of each billing from the gateway's
// notification.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './helpers.mjs';
import { advanceSandboxClock, startPaymentServer } from './payment-server.mjs';

const ADMIN = 'e2e-schedules-admin-token-0123456789';

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

function customerId() {
  return `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

async function buy(query) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`); });
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.checkout === 'ready');
  await page.getByLabel('Card number').fill('4970101122334455');
  await page.getByLabel('Expiry date').fill('12 / 34');
  await page.getByLabel('Security code').fill('123');
  await page.getByLabel('Cardholder name').fill('Jeanne Martin');
  await page.locator('#pay').click();
  await page.getByRole('status').filter({ hasText: /Payment authorized/ }).waitFor({ timeout: 20_000 });
  const text = await page.locator('#outcome').textContent();
  const id = await page.evaluate(() => document.documentElement.dataset.schedule);
  return { page, problems, text, id };
}

async function api(method, path) {
  const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: res.status, body: await res.json() };
}

async function until(id, what, ok) {
  let last;
  for (let i = 0; i < 100; i += 1) {
    last = (await api('GET', `/api/schedules/${id}`)).body;
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`schedule never ${what}: ${JSON.stringify(last)}`);
}

describe('schedules on the demo shop', () => {
  it('3 monthly instalments: the first paid in the page, the next billed by the gateway', async () => {
    const { page, problems, text, id } = await buy(`?plan=instalments&customer=${customerId()}`);
    assert.match(await page.locator('#plan').textContent(), /3 monthly instalments/);
    assert.match(text, /the next payments are scheduled/);
    assert.ok(id, 'the result names the schedule');
    const sch = (await api('GET', `/api/schedules/${id}`)).body;
    assert.equal(sch.kind, 'instalments');
    assert.deepEqual(sch.payments.map((p) => p.status), ['paid', 'scheduled', 'scheduled']);
    assert.equal(sch.payments.reduce((a, p) => a + p.amount, 0), 8997);
    await advanceSandboxClock(server.sandboxUrl, 32 * 86400);
    const billed = await until(id, 'billed', (s) => s.payments[1].status === 'paid');
    assert.ok(billed.payments[1].transactionId);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a monthly subscription, then cancelled by the shop', async () => {
    const { page, id } = await buy(`?plan=subscription&customer=${customerId()}`);
    const sch = (await api('GET', `/api/schedules/${id}`)).body;
    assert.equal(sch.kind, 'subscription');
    assert.equal(sch.status, 'active');
    const cancelled = await api('DELETE', `/api/schedules/${id}`);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'cancelled');
    await page.close();
  });
});
