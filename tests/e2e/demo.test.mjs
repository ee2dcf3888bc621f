// A buyer using the validation-only demo form, once through the ES module (validate.html) and
// once through the script-tag build (validate-script-tag.html): typing, pasting, formatting with the caret, validation
// state, brand, the co-badge network choice and the CVV length, under the strict CSP, with no
// console error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoState, cspViolations, launchBrowser, openPage, startServer } from './helpers.mjs';

const PAGES = [
  ['ES module page', 'validate.html'],
  ['script-tag page', 'validate-script-tag.html'],
];

function field(page, name) {
  return page.evaluate((n) => {
    const input = document.getElementById(n);
    return {
      value: input.value,
      caret: input.selectionStart,
      state: input.closest('.field').dataset.state,
      ariaInvalid: input.getAttribute('aria-invalid'),
      status: document.getElementById(`${n}-status`).textContent,
    };
  }, name);
}

function networkChoice(page) {
  return page.evaluate(() => ({
    hidden: document.getElementById('network').hidden,
    options: [...document.querySelectorAll('#network-options input[type=radio]')]
      .map((r) => ({ id: r.value, payline: r.dataset.paylineType, checked: r.checked })),
  }));
}

async function typeInto(page, selector, text) {
  await page.click(selector);
  await page.keyboard.type(text);
}

let server;
let browser;
before(async () => {
  server = await startServer({ port: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

for (const [label, pagePath] of PAGES) {
  describe(label, () => {
    let page;
    let problems;
    const open = async () => {
      ({ page, problems } = await openPage(browser.context, server.url + pagePath));
      assert.equal(await demoState(page), 'ready');
    };
    const clean = async () => {
      assert.deepEqual(problems, [], 'no console error, warning or failed request');
      assert.deepEqual(await cspViolations(page), [], 'no CSP violation');
      await page.close();
    };

    it('types a Visa number: formatted, valid, branded, no network choice', async () => {
      await open();
      await typeInto(page, '#number', '4242424242424242');
      const n = await field(page, 'number');
      assert.equal(n.value, '4242 4242 4242 4242');
      assert.equal(n.caret, n.value.length);
      assert.equal(n.state, 'valid');
      assert.equal(n.ariaInvalid, 'false');
      assert.equal(await page.textContent('#brand'), 'Visa');
      assert.equal((await networkChoice(page)).hidden, true);
      await clean();
    });

    it('flags a number failing Luhn as invalid', async () => {
      await open();
      // Amex numbers have 15 digits only: a Luhn failure there can never become valid.
      await typeInto(page, '#number', '378282246310006');
      let n = await field(page, 'number');
      assert.equal(n.value, '3782 822463 10006');
      assert.equal(n.state, 'invalid');
      assert.equal(n.ariaInvalid, 'true');
      assert.match(n.status, /not valid/);
      // Visa also issues 19 digits, so a failing 16-digit Visa is only flagged on leaving the field.
      await page.fill('#number', '');
      await typeInto(page, '#number', '4242424242424241');
      n = await field(page, 'number');
      assert.equal(n.value, '4242 4242 4242 4241');
      assert.equal(n.ariaInvalid, 'false');
      await page.keyboard.press('Tab');
      n = await field(page, 'number');
      assert.equal(n.state, 'invalid');
      assert.equal(n.ariaInvalid, 'true');
      assert.match(n.status, /not valid/);
      await clean();
    });

    it('keeps a partial number neutral while typing and flags it on leaving the field', async () => {
      await open();
      await typeInto(page, '#number', '424242');
      let n = await field(page, 'number');
      assert.equal(n.value, '4242 42');
      assert.equal(n.state, 'incomplete');
      assert.equal(n.ariaInvalid, 'false');
      await page.keyboard.press('Tab');
      n = await field(page, 'number');
      assert.equal(n.ariaInvalid, 'true');
      assert.match(n.status, /incomplete/);
      await clean();
    });

    it('offers the network choice for a co-badged Cartes Bancaires card', async () => {
      await open();
      await typeInto(page, '#number', '4970101122334455');
      const n = await field(page, 'number');
      assert.equal(n.value, '4970 1011 2233 4455');
      assert.equal(n.state, 'valid');
      const choice = await networkChoice(page);
      assert.equal(choice.hidden, false);
      assert.deepEqual(choice.options.map((o) => o.id), ['cb', 'visa']);
      assert.deepEqual(choice.options.map((o) => o.payline), ['CB', 'VISA']);
      assert.equal(choice.options.filter((o) => o.checked).length, 1);
      assert.equal(await page.isVisible('#network'), true);
      await page.check('#network-options input[value=visa]');
      assert.equal((await networkChoice(page)).options.find((o) => o.id === 'visa').checked, true);
      await clean();
    });

    it('accepts a pasted number and formats it', async () => {
      await open();
      await page.click('#number');
      // A real paste through the clipboard: Chromium grants clipboard writes to the focused page.
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await page.evaluate(() => navigator.clipboard.writeText('4970-1011-2233-4455'));
      await page.keyboard.press('Control+V');
      const n = await field(page, 'number');
      assert.equal(n.value, '4970 1011 2233 4455');
      assert.equal(n.state, 'valid');
      assert.equal((await networkChoice(page)).hidden, false);
      await clean();
    });

    it('keeps the caret after a digit inserted mid-number', async () => {
      await open();
      await typeInto(page, '#number', '42424242');
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.type('1');
      const n = await field(page, 'number');
      assert.equal(n.value, '4214 2424 2');
      assert.equal(n.caret, 3);
      await clean();
    });

    it('formats the expiry as MM / YY and validates it', async () => {
      await open();
      await typeInto(page, '#expiry', '1230');
      let e = await field(page, 'expiry');
      assert.equal(e.value, '12 / 30');
      assert.equal(e.state, 'valid');
      await page.fill('#expiry', '');
      await typeInto(page, '#expiry', '4');
      e = await field(page, 'expiry');
      assert.match(e.value, /^04/);
      assert.equal(e.state, 'incomplete');
      for (const [typed, shown] of [['0119', '01 / 19'], ['1299', '12 / 99']]) {
        // A past month; a year too far ahead.
        await page.fill('#expiry', '');
        await typeInto(page, '#expiry', typed);
        e = await field(page, 'expiry');
        assert.equal(e.value, shown);
        assert.equal(e.state, 'invalid', typed);
        assert.equal(e.ariaInvalid, 'true', typed);
      }
      await clean();
    });

    it('sizes the CVV by brand: 4 digits for Amex, 3 for Visa', async () => {
      await open();
      await typeInto(page, '#number', '378282246310005');
      assert.equal((await field(page, 'number')).value, '3782 822463 10005');
      assert.equal(await page.getAttribute('#cvv', 'maxlength'), '4');
      await typeInto(page, '#cvv', '1234');
      assert.equal((await field(page, 'cvv')).state, 'valid');
      await page.fill('#number', '');
      await page.fill('#cvv', '');
      await typeInto(page, '#number', '4242424242424242');
      assert.equal(await page.getAttribute('#cvv', 'maxlength'), '3');
      await typeInto(page, '#cvv', '1234');
      const c = await field(page, 'cvv');
      assert.equal(c.value, '123');
      assert.equal(c.state, 'valid');
      // Maestro cards may have no security code: the field becomes optional.
      await page.fill('#cvv', '');
      await page.fill('#number', '');
      await typeInto(page, '#number', '6759649826438453');
      assert.equal(await page.textContent('label[for=cvv]'), 'Security code (optional)');
      assert.equal((await field(page, 'cvv')).state, 'valid');
      await clean();
    });

    it('validates the cardholder name', async () => {
      await open();
      await typeInto(page, '#holder', 'Zoë d\'Arc-Lefèvre');
      assert.equal((await field(page, 'holder')).state, 'valid');
      await page.fill('#holder', '');
      await typeInto(page, '#holder', '4242 4242 4242');
      const h = await field(page, 'holder');
      assert.equal(h.state, 'invalid');
      assert.equal(h.ariaInvalid, 'true');
      await clean();
    });

    it('submits a complete card without sending it, naming the chosen network', async () => {
      await open();
      await typeInto(page, '#number', '4970101122334455');
      await page.check('#network-options input[value=cb]');
      await typeInto(page, '#expiry', '1230');
      await typeInto(page, '#cvv', '123');
      await typeInto(page, '#holder', 'Jean Dupont');
      await page.click('button[type=submit]');
      assert.match(await page.textContent('#summary'), /^Card ready: CB ending 4455, expiry 1230\./);
      await clean();
    });

    it('refuses an incomplete form and moves focus to the first bad field', async () => {
      await open();
      await typeInto(page, '#number', '4242424242424242');
      await page.click('button[type=submit]');
      assert.match(await page.textContent('#summary'), /^Check the expiry date, security code, name\./);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'expiry');
      assert.equal((await field(page, 'expiry')).ariaInvalid, 'true');
      await clean();
    });
  });
}
