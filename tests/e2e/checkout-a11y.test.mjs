// The checkout for people and pages that are not the default: a keyboard-only buyer, an axe-core
// accessibility scan (the form, its error states, the co-badge choice, the challenge dialog),
// and the script-tag build loaded with Subresource Integrity.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cspViolations, launchBrowser, ROOT } from './helpers.mjs';
import { startPaymentServer } from './payment-server.mjs';

const SHOTS = path.join(ROOT, 'test-results', 'checkout');
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

async function shop(page = '') {
  const tab = await browser.context.newPage();
  await tab.goto(`${server.url}/${page}`);
  await tab.waitForFunction(() => document.documentElement.dataset.checkout !== undefined);
  assert.equal(await tab.evaluate(() => document.documentElement.dataset.checkout), 'ready');
  return tab;
}

/** Runs axe-core (WCAG 2.x A/AA rules) in `frame`; returns the serious and critical violations. */
async function axe(frame, include) {
  // Injected through the DevTools protocol (page.evaluate), which the page's CSP does not
  // govern: the page itself stays under its strict policy.
  await frame.evaluate(AXE);
  const result = await frame.evaluate(async (sel) => window.axe.run(sel ? { include: [sel] } : document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    iframes: false,
  }), include);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility', () => {
  it('axe: the form, its errors and the co-badge choice have no serious or critical violation', async () => {
    const page = await shop();
    assert.deepEqual(await axe(page), [], 'initial form');
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.waitForFunction(() => document.querySelectorAll('[aria-invalid=true]').length === 4);
    assert.deepEqual(await axe(page), [], 'every field in error');
    await page.getByLabel('Card number').fill('4970101122334455');
    await page.getByRole('group', { name: 'Card network' }).waitFor();
    assert.deepEqual(await axe(page), [], 'co-badge choice shown');
    await page.close();
  });

  it('axe: the challenge dialog and the bank page inside it', async () => {
    const page = await shop();
    await page.getByLabel('Card number').fill('4970105181818183');
    await page.getByLabel('Expiry date').fill('12/34');
    await page.getByLabel('Security code').fill('123');
    await page.getByLabel('Cardholder name').fill('Jeanne Martin');
    await page.getByRole('button', { name: /^Pay/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Card verification by your bank' });
    await dialog.waitFor();
    await page.frameLocator('.cc-challenge-frame').getByLabel('Verification code').waitFor();
    assert.deepEqual(await axe(page), [], 'page with the dialog open');
    const bank = page.frames().find((f) => f.url().includes('/acs/'));
    assert.ok(bank, 'the bank page is framed');
    assert.deepEqual(await axe(bank), [], 'the sandbox bank page');
    // The rest of the page is inert while the dialog is open.
    assert.equal(await page.locator('main[inert]').count(), 1);
    await page.screenshot({ path: path.join(SHOTS, 'axe-challenge.png') });
    await page.getByRole('button', { name: 'Cancel payment' }).click();
    await page.getByRole('status').filter({ hasText: /Payment refused/ }).waitFor();
    assert.equal(await page.locator('[inert]').count(), 0, 'inert removed when the dialog closes');
    await page.close();
  });

  it('keyboard only: tab through the form, pay, answer the challenge', async () => {
    const page = await shop();
    const active = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
    for (let i = 0; i < 10 && (await active()) !== 'cc-number'; i += 1) await page.keyboard.press('Tab');
    assert.equal(await active(), 'cc-number', 'the card number is reachable with Tab');
    await page.keyboard.type('4970105181818183');
    await page.keyboard.press('Tab');
    // A co-badged number: the network radio group comes next; arrow keys choose, Tab leaves.
    assert.equal(await page.evaluate(() => document.activeElement.type), 'radio');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('radio', { name: 'Visa' }).isChecked(), true);
    await page.keyboard.press('Tab');
    assert.equal(await active(), 'cc-exp');
    await page.keyboard.type('1234');
    await page.keyboard.press('Tab');
    await page.keyboard.type('123');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Jeanne Martin');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Card verification by your bank' });
    await dialog.waitFor();
    assert.match(await page.evaluate(() => document.activeElement.className), /cc-challenge-title/, 'focus moves into the dialog');
    await page.frameLocator('.cc-challenge-frame').getByLabel('Verification code').waitFor();
    // Tab reaches the bank's code field inside the iframe.
    await page.keyboard.press('Tab');
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /Payment authorized/ }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'keyboard-only.png') });
    await page.close();
  });
});

describe('script-tag page', () => {
  it('loads with SRI and pays', async () => {
    const page = await shop('script-tag.html');
    const integrity = await page.evaluate(() => document.querySelector('script[src$="card-capture.js"]').integrity);
    const table = JSON.parse(await fs.readFile(path.join(ROOT, 'pkg', 'integrity.json'), 'utf8'));
    assert.equal(integrity, table['card-capture.js']);
    assert.match(integrity, /^sha384-/);
    await page.getByLabel('Card number').fill('4970107111111119');
    await page.getByLabel('Expiry date').fill('12/34');
    await page.getByLabel('Security code').fill('123');
    await page.getByLabel('Cardholder name').fill('Jeanne Martin');
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.getByRole('status').filter({ hasText: /Payment authorized/ }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await cspViolations(page), []);
    await page.screenshot({ path: path.join(SHOTS, 'script-tag.png') });
    await page.close();
  });
});
