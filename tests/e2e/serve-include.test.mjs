// The static server's `{{include FILE}}` directive (scripts/serve.mjs), which the demo pages use
// to share their form markup: a fragment under www/ is pasted into the page, and an include can
// never reach a file outside www/. The payment server's twin is tested in
// crates/payment-server/tests/server/serving.rs. No browser needed.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { includePath } from '../../scripts/serve.mjs';
import { startServer } from './helpers.mjs';

let root;
let site;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-include-'));
  const www = path.join(root, 'www');
  const pkg = path.join(root, 'pkg');
  await fs.mkdir(path.join(www, 'partials'), { recursive: true });
  await fs.mkdir(pkg);
  await fs.writeFile(path.join(pkg, 'integrity.json'), '{"card-capture.js": "sha384-AAAA"}');
  await fs.writeFile(path.join(www, 'partials', 'form.html'),
    '<input id="cc-number">\n<script src="/pkg/card-capture.js" integrity="{{integrity card-capture.js}}"></script>\n');
  await fs.writeFile(path.join(www, 'page.html'), '<form>\n  {{include partials/form.html}}\n</form>\n');
  // A fragment's own include is not expanded again (one level, so includes cannot loop).
  await fs.writeFile(path.join(www, 'partials', 'loop.html'), '{{include partials/loop.html}}\n');
  await fs.writeFile(path.join(www, 'loop.html'), '{{include partials/loop.html}}');
  await fs.writeFile(path.join(root, 'secret.html'), 'outside');
  await fs.writeFile(path.join(root, 'secret.txt'), 'outside');
  const bad = {
    'up.html': '../secret.html',
    'nested-up.html': 'partials/../../secret.html',
    'absolute.html': path.join(root, 'secret.html'),
    'not-html.html': '../secret.txt',
    'pkg.html': '../pkg/integrity.json',
    'missing.html': 'partials/nope.html',
  };
  for (const [name, include] of Object.entries(bad)) {
    await fs.writeFile(path.join(www, name), `<p>{{include ${include}}}</p>`);
  }
  site = await startServer({ wwwDir: www, pkgDir: pkg });
});
after(async () => {
  await site?.close();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

describe('{{include}} in scripts/serve.mjs', () => {
  it('pastes the fragment, then fills in its integrity values', async () => {
    const res = await fetch(`${site.url}page.html`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(),
      '<form>\n  <input id="cc-number">\n<script src="/pkg/card-capture.js" integrity="sha384-AAAA"></script>\n</form>\n');
    assert.equal(await (await fetch(`${site.url}loop.html`)).text(), '{{include partials/loop.html}}');
  });

  it('never includes anything outside www/', async () => {
    for (const name of ['up.html', 'nested-up.html', 'absolute.html', 'not-html.html', 'pkg.html', 'missing.html']) {
      const res = await fetch(`${site.url}${name}`);
      assert.equal(res.status, 500, name);
      const body = await res.text();
      assert.doesNotMatch(body, /outside|sha384/, name);
    }
    const www = '/w';
    assert.equal(includePath('partials/card-fields.html', www), path.resolve('/w/partials/card-fields.html'));
    for (const bad of ['../x.html', 'partials/../../x.html', '/etc/x.html', './index.html', '.hidden.html',
      'a\\b.html', 'a//b.html', 'partials/form.txt', '']) {
      assert.equal(includePath(bad, www), null, bad);
    }
  });

  it('the demo pages come out whole', async () => {
    const real = await startServer();
    try {
      for (const page of ['validate.html', 'validate-script-tag.html']) {
        const html = await (await fetch(`${real.url}${page}`)).text();
        assert.doesNotMatch(html, /\{\{/, page);
        assert.match(html, /<form id="card-form"/, page);
      }
      for (const page of ['index.html', 'script-tag.html']) {
        const html = await (await fetch(`${real.url}${page}`)).text();
        assert.doesNotMatch(html, /\{\{/, page);
        for (const id of ['cart-title', 'cc-number', 'cc-exp', 'cc-csc', 'cc-name', 'cards-title']) {
          assert.match(html, new RegExp(`id="${id}"`), `${page} #${id}`);
        }
      }
    } finally {
      await real.close();
    }
  });
});
