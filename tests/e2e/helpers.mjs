// Shared by the end-to-end tests: headless Debian Chromium through playwright-core, and the demo
// server from scripts/serve.mjs started in-process on a free port.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export { startServer, CSP } from '../../scripts/serve.mjs';
export { FILES, PKG_DIR, ROOT } from '../../scripts/lib/files.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A fresh browser profile per call; `close()` also removes it. */
export async function launchBrowser() {
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Runs before any page script: records CSP violations (CSP Level 3 §5.3, the
  // securitypolicyviolation event), which the tests then require to be absent.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || e.sample}`);
    });
  });
  return {
    context,
    async close() {
      await context.close();
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}

/** Opens `url` in a new tab, collecting console errors/warnings and uncaught exceptions. */
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  await page.goto(url);
  return { page, problems };
}

/** Waits until the demo has loaded card-capture (or failed to); returns 'ready' or 'error'. */
export async function demoState(page) {
  await page.waitForFunction(() => document.documentElement.dataset.cardCapture !== undefined);
  return page.evaluate(() => document.documentElement.dataset.cardCapture);
}

export function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations);
}

/** Copies pkg/ to a temporary directory, for tests that serve a modified package. */
export async function copyPkg(pkgDir) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-pkg-'));
  await fs.cp(pkgDir, dir, { recursive: true });
  return dir;
}

// The demo shop's checkout, as the end-to-end tests drive it. `scope` is the page, or the
// isolated fields' frame (a FrameLocator): both find the inputs by their labels.

/** An expiry date in the future for every test card. */
export const FUTURE = '12 / 34';

/** Types a card into the four labelled inputs of `scope`. */
export async function fillCard(scope, { number, expiry = FUTURE, cvv = '123', holder = 'Jeanne Martin' }) {
  await scope.getByLabel('Card number').fill(number);
  await scope.getByLabel('Expiry date').fill(expiry);
  await scope.getByLabel('Security code').fill(cvv);
  await scope.getByLabel('Cardholder name').fill(holder);
}

/** Clicks the demo shop's Pay button. */
export async function pay(page) {
  await page.getByRole('button', { name: /^Pay/ }).click();
}

/** Waits for the demo shop's status line to say `pattern`; resolves to its text. */
export async function outcome(page, pattern) {
  await page.getByRole('status').filter({ hasText: pattern }).waitFor({ timeout: 20_000 });
  return page.locator('#outcome').textContent();
}

/** What a sandbox ledger entry says about an authorization: type, action, accepted, state. */
export function authorization(e) {
  return [e.type, e.action, e.accepted, e.state];
}

/** The payment server's status answer for a session (status contract). */
export async function sessionStatus(session) {
  const res = await fetch(session.statusUrl, { headers: { Authorization: `Bearer ${session.clientSecret}` } });
  assert.equal(res.status, 200);
  return res.json();
}
