// Answers lost on the way, end to end: the demo shop and `payment-server --sandbox` in front of
// a payline-sandbox of its own, reached through a proxy that can hold back the gateway's answer
// to doAuthorization. Whatever answer is lost, submit() resolves with the payment's real
// outcome, read from the session's status URL, and the gateway authorizes it once.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import http from 'node:http';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './helpers.mjs';
import { ledger, startPaymentServer, workspaceBinary } from './payment-server.mjs';

let sandbox;
let proxy;
let server;
let browser;

/** `payline-sandbox` on a free loopback port, in memory; resolves to `{url, close()}`. */
async function startSandbox() {
  const child = spawn(workspaceBinary('payline-sandbox'), ['--listen', '127.0.0.1:0', '--db', ':memory:'], {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`payline-sandbox did not start:\n${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`payline-sandbox exited with ${code}:\n${stderr}`)));
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
    close() {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
    },
  };
}

/**
 * An HTTP proxy to the sandbox. `hold(n)`: the next n doAuthorization requests reach the
 * gateway, which authorizes, but their answers are never passed on (the payment server's call
 * times out: its outcome is unknown to it). `held` counts them.
 */
async function startGatewayProxy(target) {
  let toHold = 0;
  const state = { held: 0, authorizations: 0 };
  const open = new Set();
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const authorization = /doAuthorizationRequest/.test(body.toString('utf8'));
      if (authorization) state.authorizations += 1;
      const hold = authorization && toHold > 0;
      if (hold) toHold -= 1;
      const up = http.request(target + req.url, { method: req.method, headers: req.headers }, (answer) => {
        if (hold) {
          state.held += 1;
          answer.resume();
          open.add(res);
          return;
        }
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${srv.address().port}`,
    state,
    hold(n) { toHold = n; },
    async close() {
      for (const res of open) res.destroy();
      srv.closeAllConnections();
      await new Promise((ok) => srv.close(ok));
    },
  };
}

before(async () => {
  sandbox = await startSandbox();
  proxy = await startGatewayProxy(sandbox.url);
  server = await startPaymentServer({
    sandboxUrl: proxy.url,
    // A doAuthorization unanswered for 1.5 s is unknown to the server (504 gateway_timeout),
    // and its background reconciliation runs every 300 ms.
    env: { PAYLINE_TIMEOUT_MS: '1500', RECONCILE_INTERVAL_MS: '300' },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await proxy?.close();
  sandbox?.close();
});

/** The demo shop with its mounted form; `problems` collects uncaught errors. */
async function shop() {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.documentElement.dataset.checkout !== undefined);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.checkout), 'ready');
  await page.getByLabel('Card number').fill('4970101122334455');
  await page.getByLabel('Expiry date').fill('12 / 34');
  await page.getByLabel('Security code').fill('123');
  await page.getByLabel('Cardholder name').fill('Jeanne Martin');
  return { page, problems };
}

/** Counts the page's reads of its session's status URL (`GET …/checkout-sessions/cs_…`). */
function countStatusReads(page) {
  const reads = { n: 0 };
  page.on('request', (r) => {
    if (r.method() === 'GET' && /\/api\/checkout-sessions\/cs_[^/?]+$/.test(r.url())) reads.n += 1;
  });
  return reads;
}

/** The gateway's authorizations of an order, from the sandbox ledger. */
async function authorizations(orderRef) {
  return (await ledger(sandbox.url, orderRef)).filter((e) => e.type === 'AUTHORIZATION');
}

describe('answers lost on the way', () => {
  it('the pay answer is lost after the server processed it: authorized from the status URL, once', async () => {
    const { page, problems } = await shop();
    const reads = countStatusReads(page);
    const sent = [];
    // Every pay reaches the payment server, which pays, and its answer is then cut off.
    await page.route('**/api/checkout-sessions/*/pay', async (route) => {
      sent.push(JSON.parse(route.request().postData()));
      const answer = await route.fetch();
      sent.at(-1).answered = answer.status();
      await route.abort('connectionreset');
    });
    const result = await page.evaluate(() => window.checkout.submit());
    assert.equal(result.status, 'authorized', JSON.stringify(result));
    assert.match(result.transactionId, /^\d+$/);
    // Sent twice with one idempotency key: the second answer was the stored one, also lost.
    assert.equal(sent.length, 2, JSON.stringify(sent));
    assert.equal(sent[0].idempotencyKey, sent[1].idempotencyKey);
    assert.deepEqual(sent.map((s) => s.answered), [200, 200]);
    assert.ok(reads.n >= 1, 'the outcome came from the status URL');
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    const auths = await authorizations(orderRef);
    assert.equal(auths.length, 1, JSON.stringify(auths));
    assert.equal(auths[0].id, result.transactionId);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('the gateway answer is lost: 504 gateway_timeout, the page checks, the reconciled payment is authorized', async () => {
    const { page, problems } = await shop();
    const reads = countStatusReads(page);
    const before = proxy.state.held;
    proxy.hold(1);
    const payAnswer = page.waitForResponse((r) => r.url().endsWith('/pay'));
    // Registered after the demo's own handler: sees what the demo shows for the event.
    const checking = page.evaluate(() => new Promise((ok) => window.checkout.on('checking',
      () => ok(document.getElementById('outcome').textContent))));
    await page.getByRole('button', { name: /^Pay/ }).click();
    const answer = await payAnswer;
    assert.equal(answer.status(), 504);
    assert.equal((await answer.json()).error.code, 'gateway_timeout');
    assert.equal(proxy.state.held, before + 1, 'the gateway authorized, its answer was held back');
    assert.equal(await checking, 'Checking your payment…', 'the buyer is told the payment is being checked');
    await page.getByRole('status').filter({ hasText: /Payment authorized/ }).waitFor({ timeout: 30_000 });
    assert.ok(reads.n >= 2, `status read ${reads.n} times`);
    const { orderRef } = await page.evaluate(() => window.checkoutOrder);
    const auths = await authorizations(orderRef);
    assert.equal(auths.length, 1, JSON.stringify(auths));
    assert.deepEqual(problems, []);
    await page.close();
  });
});
