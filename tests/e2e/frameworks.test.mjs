// card-capture/react and card-capture/vue in a merchant's app: a small React app (StrictMode) and
// a small Vue app, each built by Vite (production build, programmatic API) against the package
// as installed (node_modules/card-capture → pkg/), served by `payment-server --sandbox` as its
// www/ and run in Chromium: a payment to `authorized`, the component unmounted while the bank's
// 3-D Secure page is open, the buyer's language loaded on demand. Then both components rendered
// on the server (node, no DOM): nothing touches `window` or `document` at import or render.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import { FUTURE, PKG_DIR, ROOT, fillCard, launchBrowser, sessionStatus } from './helpers.mjs';
import { ledger, startPaymentServer } from './payment-server.mjs';

const FRICTIONLESS = '4970107111111119';
const CHALLENGE = '4970105181818183';

const INDEX = (title) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head>
<body>
<div id="root"></div>
<script type="module" src="./main.js"></script>
</body>
</html>
`;

// The apps expose what the tests drive on window.app: pay() (the component's submit, through
// its ref), unmount() and the events they saw. ?locale= sets the component's locale prop.
const REACT_APP = `import { StrictMode, createElement as h, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { CardCheckout } from 'card-capture/react';

const query = new URLSearchParams(location.search);
const locale = query.get('locale') || undefined;
const options = query.has('isolated') ? { isolated: true } : undefined;
window.app = { events: [] };

function Shop() {
  const checkout = useRef(null);
  const [session, setSession] = useState(null);
  const [shown, setShown] = useState(true);
  const [status, setStatus] = useState('');
  useEffect(() => {
    fetch('/api/demo/checkout-sessions', { method: 'POST' }).then((r) => r.json()).then(setSession);
  }, []);
  window.app.session = session;
  window.app.unmount = () => setShown(false);
  window.app.newSession = () => fetch('/api/demo/checkout-sessions', { method: 'POST' }).then((r) => r.json()).then(setSession);
  window.app.pay = () => {
    window.app.pending = checkout.current.submit();
    window.app.pending.then((r) => setStatus(r.status === 'authorized' ? 'Payment authorized' : r.message ?? r.status));
    return window.app.pending;
  };
  return h('main', null,
    shown && session && h(CardCheckout, {
      ref: checkout,
      session,
      locale,
      // A new object every render, as an inline object in JSX would be.
      options: { ...options },
      onReady: () => { window.app.events.push('ready'); document.documentElement.dataset.checkout = 'ready'; },
      onResult: (r) => window.app.events.push('result:' + r.status),
      onChallenge: (c) => window.app.events.push('challenge:' + c.phase),
    }),
    h('button', { type: 'button', onClick: () => window.app.pay() }, 'Pay'),
    h('p', { role: 'status' }, status));
}

createRoot(document.getElementById('root')).render(h(StrictMode, null, h(Shop)));
`;

const VUE_APP = `import { createApp, h, ref } from 'vue';
import { CardCheckout } from 'card-capture/vue';

const query = new URLSearchParams(location.search);
const locale = query.get('locale') || undefined;
const options = query.has('isolated') ? { isolated: true } : undefined;
window.app = { events: [] };

const Shop = {
  setup() {
    const checkout = ref(null);
    const session = ref(null);
    const shown = ref(true);
    const status = ref('');
    fetch('/api/demo/checkout-sessions', { method: 'POST' }).then((r) => r.json()).then((s) => {
      session.value = s;
      window.app.session = s;
    });
    window.app.unmount = () => { shown.value = false; };
    window.app.newSession = () => fetch('/api/demo/checkout-sessions', { method: 'POST' }).then((r) => r.json())
      .then((s) => { session.value = s; window.app.session = s; });
    window.app.pay = () => {
      window.app.pending = checkout.value.submit();
      window.app.pending.then((r) => { status.value = r.status === 'authorized' ? 'Payment authorized' : r.message ?? r.status; });
      return window.app.pending;
    };
    return () => h('main', null, [
      shown.value && session.value ? h(CardCheckout, {
        ref: checkout,
        session: session.value,
        locale,
        // A new object every render, as a template's inline object would be.
        options: { ...options },
        onReady: () => { window.app.events.push('ready'); document.documentElement.dataset.checkout = 'ready'; },
        onResult: (r) => window.app.events.push('result:' + r.status),
        onChallenge: (c) => window.app.events.push('challenge:' + c.phase),
      }) : null,
      h('button', { type: 'button', onClick: () => window.app.pay() }, 'Pay'),
      h('p', { role: 'status' }, status.value),
    ]);
  },
};

createApp(Shop).mount('#root');
`;

/**
 * A merchant's project: node_modules/card-capture is the package (a link to pkg/), React and
 * Vue the workspace's own copies. Built by Vite into `outDir` for the URL prefix `base`.
 */
async function buildApp(work, name, main, outDir) {
  const dir = path.join(work, name);
  await fs.mkdir(path.join(dir, 'node_modules'), { recursive: true });
  await fs.symlink(PKG_DIR, path.join(dir, 'node_modules', 'card-capture'), 'dir');
  for (const dep of ['react', 'react-dom', 'scheduler', 'vue', '@vue']) {
    await fs.symlink(path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
  }
  await fs.writeFile(path.join(dir, 'index.html'), INDEX(`${name} shop`));
  await fs.writeFile(path.join(dir, 'main.js'), main);
  await build({
    root: dir,
    base: `/${name}/`,
    configFile: false,
    logLevel: 'silent',
    // Vite's cache would otherwise land in the repository's node_modules.
    cacheDir: path.join(dir, '.vite'),
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
}

let work;
let server;
let browser;

before(async () => {
  await fs.access(path.join(PKG_DIR, 'react', 'index.js')).catch(() => {
    throw new Error(`${PKG_DIR} has no react/index.js: run \`node scripts/build.mjs\` first`);
  });
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-frameworks-'));
  const www = path.join(work, 'www');
  await buildApp(work, 'react', REACT_APP, path.join(www, 'react'));
  await buildApp(work, 'vue', VUE_APP, path.join(www, 'vue'));
  // The built apps are the payment server's www/: same origin as its API, as a shop's page.
  server = await startPaymentServer({ env: { WWW_DIR: www } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** Opens an app and waits until its form is mounted. */
async function open(app, query = '') {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    // The payment server's pages allow no Trusted Types policy (CSP `trusted-types 'none'`);
    // Vue's runtime asks for one named "vue", is refused, and works without it.
    if (/TrustedTypePolicy named 'vue'/.test(msg.text())) return;
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${server.url}/${app}/${query}`);
  try {
    await page.waitForFunction(() => document.documentElement.dataset.checkout === 'ready', null, { timeout: 15_000 });
  } catch (err) {
    const body = await page.evaluate(() => document.body.innerHTML.slice(0, 600));
    throw new Error(`${app}${query} never mounted: ${err.message}\n${problems.join('\n')}\n${body}`);
  }
  return { page, problems, requested };
}

/** What the module left in the page: its message spans, dialogs, iframes, inert elements. */
function leftovers(page) {
  return page.evaluate(() => ({
    messages: document.querySelectorAll('.cc-error').length,
    dialogs: document.querySelectorAll('.cc-challenge, [role=dialog]').length,
    iframes: document.querySelectorAll('iframe').length,
    inert: document.querySelectorAll('[inert]').length,
  }));
}

for (const app of ['react', 'vue']) {
  describe(`card-capture/${app} in a Vite-built app`, () => {
    it('mounts once (React: under StrictMode), formats as typed, pays to authorized', async () => {
      const { page, problems } = await open(app);
      // StrictMode runs the mount effect, its cleanup, then the effect again: one form only.
      assert.deepEqual(await page.evaluate(() => window.app.events), ['ready']);
      assert.deepEqual(await leftovers(page), { messages: 4, dialogs: 0, iframes: 0, inert: 0 });
      await fillCard(page, { number: FRICTIONLESS });
      assert.equal(await page.getByLabel('Card number').inputValue(), '4970 1071 1111 1119');
      assert.equal(await page.getByLabel('Card number').getAttribute('autocomplete'), 'cc-number');
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.getByRole('status').filter({ hasText: 'Payment authorized' }).waitFor({ timeout: 20_000 });
      const result = await page.evaluate(() => window.app.pending);
      assert.equal(result.status, 'authorized', JSON.stringify(result));
      assert.deepEqual(await page.evaluate(() => window.app.events), ['ready', 'result:authorized']);
      const { orderRef } = await page.evaluate(() => window.app.session);
      const entries = await ledger(server.sandboxUrl, orderRef);
      assert.deepEqual(entries.map((e) => [e.type, e.accepted]), [['AUTHORIZATION', true]], JSON.stringify(entries));
      assert.deepEqual(problems, []);
      await page.close();
    });

    it('a new session mounts afresh: the old form destroyed first, one form left, it pays', async () => {
      const { page, problems } = await open(app);
      const first = await page.evaluate(() => window.app.session.id);
      await page.evaluate(() => window.app.newSession());
      await page.waitForFunction(() => window.app.events.filter((e) => e === 'ready').length === 2);
      const second = await page.evaluate(() => window.app.session.id);
      assert.notEqual(second, first);
      assert.deepEqual(await leftovers(page), { messages: 4, dialogs: 0, iframes: 0, inert: 0 });
      await fillCard(page, { number: FRICTIONLESS });
      assert.equal(await page.getByLabel('Card number').inputValue(), '4970 1071 1111 1119', 'formatted once, not twice');
      const result = await page.evaluate(() => window.app.pay());
      assert.equal(result.status, 'authorized', JSON.stringify(result));
      assert.equal((await sessionStatus(await page.evaluate(() => window.app.session))).status, 'authorized');
      assert.deepEqual(problems, []);
      await page.close();
    });

    it('unmounted while the bank\'s page is open: destroyed, nothing left, the attempt abandoned', async () => {
      const { page, problems } = await open(app);
      await fillCard(page, { number: CHALLENGE });
      await page.evaluate(() => { window.app.pay(); });
      await page.frameLocator('.cc-challenge-frame').getByLabel('Verification code').waitFor();
      const session = await page.evaluate(() => window.app.session);
      assert.equal((await sessionStatus(session)).status, 'processing');
      const during = await leftovers(page);
      assert.equal(during.dialogs, 1);
      assert.equal(during.iframes, 1);
      assert.ok(during.inert > 0, 'the page behind the dialog is inert');
      await page.evaluate(() => window.app.unmount());
      const result = await page.evaluate(() => window.app.pending);
      assert.equal(result.status, 'error', JSON.stringify(result));
      assert.equal(result.code, 'destroyed');
      assert.deepEqual(await leftovers(page), { messages: 0, dialogs: 0, iframes: 0, inert: 0 });
      assert.equal(await page.getByLabel('Card number').count(), 0, 'the inputs went with the component');
      // The server closed the attempt as the Cancel button does: refused 02319, not left pending.
      const st = await sessionStatus(session);
      assert.equal(st.status, 'refused', JSON.stringify(st));
      assert.equal(st.payment.code, '02319', JSON.stringify(st));
      assert.deepEqual(problems, []);
      await page.close();
    });

    it('speaks German for de-AT: only that language is fetched, field messages and the dialog in German', async () => {
      const { page, problems, requested } = await open(app, '?locale=de-AT');
      // Vite split each language into a chunk named after its file: German's is fetched, no other.
      const chunks = requested.filter((p) => /\/assets\/.*\.js$/.test(p)).map((p) => path.basename(p));
      assert.equal(chunks.filter((c) => /^de-/.test(c)).length, 1, `scripts: ${chunks.join(', ')}`);
      assert.deepEqual(chunks.filter((c) => /^(es|it|nl|pt|pl)-/.test(c)), [], `scripts: ${chunks.join(', ')}`);
      await page.getByRole('button', { name: 'Pay' }).click();
      const invalid = await page.evaluate(() => window.app.pending);
      assert.equal(invalid.status, 'invalid');
      assert.equal(invalid.fields.number, 'Geben Sie die Kartennummer ein.');
      assert.equal(await page.locator('.cc-error').first().textContent(), 'Geben Sie die Kartennummer ein.');
      await fillCard(page, { number: CHALLENGE });
      await page.evaluate(() => { window.app.pay(); });
      const dialog = page.getByRole('dialog', { name: 'Kartenprüfung durch Ihre Bank' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Zahlung abbrechen' }).click();
      const refused = await page.evaluate(() => window.app.pending);
      assert.equal(refused.status, 'refused', JSON.stringify(refused));
      assert.deepEqual(problems, [], 'no "locale is not loaded" warning');
      await page.close();
    });

    it('isolated fields in German: the component hands mount() its container, the frame speaks the loaded language', async () => {
      const { page, problems } = await open(app, '?isolated=1&locale=de');
      const frame = page.frameLocator('iframe.cc-fields-frame');
      // The frame's labels come from the catalogue the page loaded, sent along with its options.
      await frame.getByLabel('Kartennummer').fill(FRICTIONLESS);
      await frame.getByLabel('Ablaufdatum').fill(FUTURE);
      await frame.getByLabel('Kartenprüfnummer').fill('123');
      await frame.getByLabel('Name des Karteninhabers').fill('Jeanne Martin');
      assert.equal(await page.locator('input').count(), 0, 'no card input in the shop page');
      const result = await page.evaluate(() => window.app.pay());
      assert.equal(result.status, 'authorized', JSON.stringify(result));
      await page.evaluate(() => window.app.unmount());
      await page.waitForFunction(() => document.querySelectorAll('iframe').length === 0);
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
}

describe('server-side rendering', () => {
  it('renders both components in node without a DOM; nothing runs at import', async () => {
    assert.equal(typeof globalThis.window, 'undefined');
    assert.equal(typeof globalThis.document, 'undefined');
    const { createElement } = await import('react');
    const { renderToString } = await import('react-dom/server');
    const { CardCheckout: ReactCheckout } = await import(pathToFileURL(path.join(PKG_DIR, 'react', 'index.js')).href);
    const reactHtml = renderToString(createElement(ReactCheckout, { locale: 'fr', labels: { number: 'Numéro de carte' } }));
    assert.equal((reactHtml.match(/<input /g) || []).length, 4, reactHtml);
    assert.match(reactHtml, /<label for="[^"]+-number">Numéro de carte<\/label>/);
    assert.match(reactHtml, /autoComplete="cc-csc"|autocomplete="cc-csc"/);

    const { createSSRApp, h } = await import('vue');
    const { renderToString: vueRender } = await import('vue/server-renderer');
    const { CardCheckout: VueCheckout } = await import(pathToFileURL(path.join(PKG_DIR, 'vue', 'index.js')).href);
    const vueHtml = await vueRender(createSSRApp({ render: () => h(VueCheckout, { locale: 'nl' }) }));
    assert.equal((vueHtml.match(/<input /g) || []).length, 4, vueHtml);
    assert.match(vueHtml, /<label for="[^"]+-expiry">Expiry date<\/label>/);
    // Importing the module and rendering touched no browser global.
    assert.equal(typeof globalThis.window, 'undefined');
    assert.equal(typeof globalThis.document, 'undefined');
  });
});
