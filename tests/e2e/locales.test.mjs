// The languages loaded on demand, in Chromium, through the package's own ES module and loader
// (pkg/locales/): each of the six loads and is what the form shows; negotiation (option, then
// <html lang>, regional tags) picks the same language for loadLocale() as for mount(); a
// language not loaded falls back to English *and says so* in the console; an incomplete
// catalogue is refused whole.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PKG_DIR, launchBrowser, startServer } from './helpers.mjs';

const PAGE = (lang) => `<!doctype html>
<html${lang ? ` lang="${lang}"` : ''}><head><meta charset="utf-8"><title>locales</title><link rel="icon" href="data:,"></head>
<body>
<form>
  <input id="n" aria-label="n"> <input id="e" aria-label="e"> <input id="c" aria-label="c"> <input id="h" aria-label="h">
</form>
<script type="module" src="/locales.js"></script>
</body></html>
`;

// The page imports the package as installed; the test calls window.t.* with page.evaluate.
const SCRIPT = `import init, { mount, negotiateLocale, registerLocale } from '/pkg/card_capture.js';
import { LOCALES, loadLocale } from '/pkg/locales/index.js';

await init();
const fields = { number: '#n', expiry: '#e', cvv: '#c', holder: '#h' };
window.t = {
  LOCALES,
  negotiateLocale,
  loadLocale,
  registerLocale(tag, texts) {
    try { registerLocale(tag, texts); return 'ok'; } catch (e) { return String(e.message ?? e); }
  },
  /** What the form says for an empty submit with \`options\` (the number's message). */
  async emptySubmit(options = {}) {
    const handle = mount({ fields, ...options });
    const r = await handle.submit();
    handle.destroy();
    return r.fields.number;
  },
};
document.documentElement.dataset.ready = 'yes';
`;

let www;
let server;
let browser;
const catalogue = async (tag) => JSON.parse(await fs.readFile(path.join(PKG_DIR, 'locales', `${tag}.json`), 'utf8'));

before(async () => {
  www = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-locales-'));
  await fs.writeFile(path.join(www, 'locales.js'), SCRIPT);
  for (const lang of ['', 'de-CH', 'pt-BR', 'sv']) await fs.writeFile(path.join(www, `page-${lang || 'none'}.html`), PAGE(lang));
  server = await startServer({ port: 0, wwwDir: www });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (www) await fs.rm(www, { recursive: true, force: true });
});

async function open(name) {
  const page = await browser.context.newPage();
  const console = [];
  page.on('console', (msg) => console.push(`${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => console.push(`uncaught: ${err.message}`));
  await page.goto(new URL(`page-${name}.html`, server.url).href);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'yes');
  return { page, console };
}

describe('languages loaded on demand', () => {
  it('each of the six loads, and the form speaks it', async () => {
    const { page, console } = await open('none');
    const tags = await page.evaluate(() => window.t.LOCALES);
    assert.deepEqual(tags, ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'pl']);
    for (const tag of tags.slice(2)) {
      const said = await page.evaluate(async (t) => {
        const loaded = await window.t.loadLocale(t);
        return [loaded, await window.t.emptySubmit({ locale: t })];
      }, tag);
      assert.deepEqual(said, [tag, (await catalogue(tag))['number.required']], tag);
    }
    assert.equal(await page.evaluate(() => window.t.emptySubmit({ locale: 'fr' })), 'Saisissez le numéro de carte.');
    assert.deepEqual(console, []);
    await page.close();
  });

  it('negotiates as mount() does: the option, then <html lang>, regional tags to their language', async () => {
    for (const [page, option, want] of [
      ['de-CH', undefined, 'de'], ['de-CH', 'es-MX', 'es'], ['pt-BR', undefined, 'pt'],
      ['sv', undefined, 'en'], ['none', 'nl-BE', 'nl'], ['none', 'xx', 'en'],
    ]) {
      const { page: tab } = await open(page);
      const [negotiated, loaded, shown] = await tab.evaluate(async (o) => [
        window.t.negotiateLocale(o), await window.t.loadLocale(o), await window.t.emptySubmit({ locale: o }),
      ], option);
      assert.equal(negotiated, want, `${page} ${option}`);
      assert.equal(loaded, want, `${page} ${option}`);
      const expected = want === 'en' ? 'Enter the card number.' : (await catalogue(want))['number.required'];
      assert.equal(shown, expected, `${page} ${option}`);
      await tab.close();
    }
  });

  it('a language not loaded: English, and one console warning naming it; loaded later, it is used', async () => {
    const { page, console } = await open('none');
    const first = await page.evaluate(() => window.t.emptySubmit({ locale: 'pl' }));
    const second = await page.evaluate(() => window.t.emptySubmit({ locale: 'pl' }));
    assert.equal(first, 'Enter the card number.');
    assert.equal(second, 'Enter the card number.');
    assert.deepEqual(console.filter((l) => /locale pl is not loaded/.test(l)).length, 1, console.join('\n'));
    assert.match(console[0], /^warning: /);
    await page.evaluate(() => window.t.loadLocale('pl'));
    assert.equal(await page.evaluate(() => window.t.emptySubmit({ locale: 'pl' })), 'Wpisz numer karty.');
    await page.close();
  });

  it('an incomplete catalogue is refused whole', async () => {
    const { page } = await open('none');
    const it = Object.values(await catalogue('it'));
    const answers = await page.evaluate((texts) => [
      window.t.registerLocale('it', texts.slice(1)),
      window.t.registerLocale('it', [...texts.slice(0, -1), '  ']),
      window.t.registerLocale('it', [...texts, 'one more']),
      window.t.registerLocale('sv', texts),
      window.t.registerLocale('en', texts),
    ], it);
    for (const a of answers) assert.match(a, /^card-capture/, String(a));
    // Nothing was stored: Italian is still not there (English, with the warning).
    assert.equal(await page.evaluate(() => window.t.emptySubmit({ locale: 'it' })), 'Enter the card number.');
    assert.equal(await page.evaluate((texts) => window.t.registerLocale('it', texts), it), 'ok');
    assert.equal(await page.evaluate(() => window.t.emptySubmit({ locale: 'it' })), 'Inserisci il numero della carta.');
    await page.close();
  });
});
