// docs/guide.md cannot rot: every fenced code block in it carries `run=KIND` and is run here,
// in the guide's order, as a reader would run it:
//   install  bash, in a fresh npm project, with `card-capture` installed from `npm pack pkg/`
//            (the package as it would be published; no registry is asked)
//   sandbox  bash, `payment-server` on PATH (the workspace build): started, kept running for
//            the blocks after it; its `export`s are the reader's shell for them
//   shell    bash -euo pipefail against that server; its output must be JSON
//   node     a Node ES module against that server
//   browser  the html and js blocks as one page served by that server, in Chromium; bare
//            `card-capture…` imports resolved to /pkg/ as a bundler or an import map would
//   react, vue  the component module, rendered on the server by react-dom/server and
//            vue/server-renderer (what runs without a browser)
//   config   bash, `payment-server` without --sandbox: it must accept the settings and listen
//            (each config block after the first runs after the first's exports, as the guide says)
// docs/api.md must equal what scripts/api-doc.mjs writes from the OpenAPI document.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { API_DOC, OPENAPI, render } from '../../scripts/api-doc.mjs';
import { PKG_DIR, ROOT, launchBrowser } from './helpers.mjs';
import { paymentServerBinary } from './payment-server.mjs';

const GUIDE = path.join(ROOT, 'docs', 'guide.md');
const KINDS = ['install', 'sandbox', 'shell', 'node', 'browser', 'react', 'vue', 'config'];

/** The guide's fenced blocks: `{lang, kind, code}` in order. */
async function blocks() {
  const text = await fs.readFile(GUIDE, 'utf8');
  const found = [];
  for (const m of text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    const [lang, ...attrs] = m[1].trim().split(/\s+/);
    const kind = attrs.find((a) => a.startsWith('run='))?.slice(4);
    found.push({ lang, kind, code: m[2] });
  }
  return found;
}

const exportsOf = (code) => Object.fromEntries([...code.matchAll(/^export (\w+)=(.*)$/gm)]
  .filter(([, , v]) => !v.includes('$(')).map(([, k, v]) => [k, v.replace(/^"|"$/g, '')]));

/**
 * Runs `script` in bash (a process group of its own) until it prints the payment server's
 * "listening" line; answers `{url, stop()}`.
 */
async function startInBash(script, { cwd, env }) {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  const lines = readline.createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line:\n${stderr}`)), 30_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${stderr}`)); });
    lines.on('line', (line) => {
      const m = /^payment-server listening on (http:\/\/\S+)$/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
  });
  return {
    url,
    async stop() {
      child.removeAllListeners('exit');
      const exited = new Promise((ok) => child.once('exit', ok));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 5000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

function bash(script, { cwd, env }) {
  return execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('docs/api.md', () => {
  it('is what scripts/api-doc.mjs writes from the OpenAPI document (npm run docs:api)', async () => {
    const doc = JSON.parse(await fs.readFile(OPENAPI, 'utf8'));
    const written = await fs.readFile(API_DOC, 'utf8');
    assert.ok(written === render(doc), 'docs/api.md has drifted from openapi.json: run `npm run docs:api`');
    // Every documented route has its section.
    for (const [route, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) assert.ok(written.includes(`### \`${method.toUpperCase()} ${route}\``), `${method} ${route}`);
    }
  });
});

describe('docs/guide.md', () => {
  let all;
  let work;
  let bin;
  let www;
  let sandbox;
  let shellEnv;
  let browser;

  before(async () => {
    all = await blocks();
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'card-capture-guide-'));
    bin = path.join(work, 'bin');
    www = path.join(work, 'www');
    await fs.mkdir(bin);
    await fs.mkdir(www);
    await fs.symlink(paymentServerBinary(), path.join(bin, 'payment-server'));
  });

  after(async () => {
    await browser?.close();
    await sandbox?.stop();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  const ofKind = (kind) => all.filter((b) => b.kind === kind);
  const baseEnv = () => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, LISTEN: '127.0.0.1:0', RUST_LOG: 'warn' });

  it('runs every code block: each has a known run= kind', () => {
    assert.ok(all.length >= 10, `${all.length} blocks`);
    for (const b of all) assert.ok(KINDS.includes(b.kind), `a \`${b.lang}\` block without a known run= kind:\n${b.code}`);
    for (const kind of KINDS) assert.ok(ofKind(kind).length > 0, `no ${kind} block`);
  });

  it('links only to files that exist', async () => {
    const text = await fs.readFile(GUIDE, 'utf8');
    const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l));
    assert.ok(links.includes('api.md') && links.includes('browser-checkout.md'), links.join(', '));
    for (const link of links) await fs.access(path.join(path.dirname(GUIDE), link));
  });

  it('install: the package installs into a project, with its entry points', async () => {
    const project = path.join(work, 'project');
    await fs.mkdir(project);
    await fs.writeFile(path.join(project, 'package.json'), '{"name": "shop", "private": true}\n');
    const [tarball] = JSON.parse(execFileSync('npm', ['pack', PKG_DIR, '--json', '--pack-destination', work], { encoding: 'utf8' }));
    for (const b of ofKind('install')) {
      assert.match(b.code, /npm install card-capture/);
      bash(b.code.replace(/npm install card-capture/, `npm install --offline --no-audit --no-fund ${path.join(work, tarball.filename)}`),
        { cwd: project, env: process.env });
    }
    const installed = JSON.parse(await fs.readFile(path.join(project, 'node_modules', 'card-capture', 'package.json'), 'utf8'));
    assert.equal(installed.name, 'card-capture');
    for (const entry of ['.', './locales', './react', './vue']) assert.ok(installed.exports[entry], entry);
  });

  it('sandbox: the server starts as shown and answers', async () => {
    const [b] = ofKind('sandbox');
    const cwd = path.join(work, 'server');
    await fs.mkdir(cwd);
    sandbox = await startInBash(b.code, { cwd, env: { ...baseEnv(), WWW_DIR: www, PKG_DIR } });
    shellEnv = { ...process.env, ...exportsOf(b.code), PAYMENT_SERVER: sandbox.url };
    assert.ok(shellEnv.ADMIN_TOKEN, 'the sandbox block exports ADMIN_TOKEN');
    const health = await fetch(`${sandbox.url}/healthz`);
    assert.equal(health.status, 200);
  });

  it('shell: each curl block succeeds and answers JSON', async () => {
    const outputs = ofKind('shell').map((b) => JSON.parse(bash(b.code, { cwd: work, env: shellEnv })));
    const [session, list] = outputs;
    assert.match(session.id, /^cs_/);
    assert.equal(session.amount, 4990);
    assert.ok(session.clientSecret && session.tokenizer.url, JSON.stringify(session));
    // The session has no payment yet: the order's list is empty, and well formed.
    assert.deepEqual(list, { items: [], nextCursor: null });
  });

  it('node: the backend snippet creates a session', async () => {
    for (const [i, b] of ofKind('node').entries()) {
      const file = path.join(work, `backend-${i}.mjs`);
      await fs.writeFile(file, b.code);
      const out = execFileSync(process.execPath, [file], { env: shellEnv, encoding: 'utf8' });
      assert.match(out.trim(), /^cs_\S+ 1250 EUR$/);
    }
  });

  it('browser: the checkout page pays a sandbox card to authorized, and speaks the page\'s language', async () => {
    const html = ofKind('browser').filter((b) => b.lang === 'html').map((b) => b.code).join('\n');
    const js = ofKind('browser').filter((b) => b.lang === 'js').map((b) => b.code).join('\n');
    // What a bundler or an import map does for the page: the package's files are under /pkg/.
    const resolved = js.replace(/from 'card-capture\/locales'/g, "from '/pkg/locales/index.js'")
      .replace(/from 'card-capture'/g, "from '/pkg/card_capture.js'");
    assert.doesNotMatch(resolved, /from 'card-capture/);
    await fs.writeFile(path.join(www, 'guide.js'), `${resolved}\ndocument.documentElement.dataset.mounted = 'yes';\n`);
    for (const lang of ['en', 'de']) {
      await fs.writeFile(path.join(www, `guide-${lang}.html`), `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>guide</title><link rel="icon" href="data:,"></head>
<body>
${html}
<script type="module" src="/guide.js"></script>
</body></html>
`);
    }
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
    page.on('console', (msg) => { if (['error', 'warning'].includes(msg.type())) problems.push(msg.text()); });
    await page.goto(`${sandbox.url}/guide-en.html`);
    await page.waitForFunction(() => document.documentElement.dataset.mounted === 'yes');
    await page.getByLabel('Card number').fill('4970107111111119');
    await page.getByLabel('Expiry date').fill('12 / 34');
    await page.getByLabel('Security code').fill('123');
    await page.getByLabel('Cardholder name').fill('Jeanne Martin');
    // The demo session's amount, formatted by Intl for the page's language.
    const session = await (await fetch(`${sandbox.url}/api/demo/checkout-sessions`, { method: 'POST' })).json();
    const expected = new Intl.NumberFormat('en', { style: 'currency', currency: session.currency })
      .format(session.amount / 100);
    assert.equal(await page.getByRole('button').textContent(), `Pay ${expected}`);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('status').filter({ hasText: 'Payment authorized' }).waitFor({ timeout: 20_000 });

    await page.goto(`${sandbox.url}/guide-de.html`);
    await page.waitForFunction(() => document.documentElement.dataset.mounted === 'yes');
    // German number formatting: the amount before the currency sign, a decimal comma.
    assert.match(await page.getByRole('button').textContent(), /^Pay \d+,\d\d\s€$/);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.locator('.cc-error', { hasText: 'Geben Sie die Kartennummer ein.' }).waitFor();
    assert.deepEqual(problems, []);
    await page.close();
  });

  for (const framework of ['react', 'vue']) {
    it(`${framework}: the component module renders (on the server)`, async () => {
      const dir = path.join(work, framework);
      await fs.mkdir(path.join(dir, 'node_modules'), { recursive: true });
      await fs.symlink(PKG_DIR, path.join(dir, 'node_modules', 'card-capture'), 'dir');
      for (const dep of ['react', 'react-dom', 'scheduler', 'vue', '@vue']) {
        await fs.symlink(path.join(ROOT, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
      }
      const [b] = ofKind(framework);
      const file = path.join(dir, 'checkout.mjs');
      await fs.writeFile(file, b.code);
      const { Checkout } = await import(pathToFileURL(file).href);
      let markup;
      if (framework === 'react') {
        const { createElement } = await import('react');
        const { renderToString } = await import('react-dom/server');
        markup = renderToString(createElement(Checkout, { session: null }));
        assert.match(markup, />Numéro de carte<\/label>/);
        assert.match(markup, /<button>Payer<\/button>/);
      } else {
        const { createSSRApp, h } = await import('vue');
        const { renderToString } = await import('vue/server-renderer');
        markup = await renderToString(createSSRApp({ render: () => h(Checkout, { session: null }) }));
        assert.match(markup, /<button>Betalen<\/button>/);
      }
      assert.equal((markup.match(/<input /g) || []).length, 4, markup);
    });
  }

  it('config: homologation, then production settings are accepted and the server listens', async () => {
    const [homologation, ...rest] = ofKind('config');
    const shared = homologation.code.split('\n').filter((l) => l.startsWith('export ')).join('\n');
    for (const [i, b] of [homologation, ...rest].entries()) {
      const cwd = path.join(work, `config-${i}`);
      await fs.mkdir(path.join(cwd, 'data'), { recursive: true });
      const script = i === 0 ? b.code : `${shared}\n${b.code}`;
      assert.doesNotMatch(script, /--sandbox/);
      const server = await startInBash(script, { cwd, env: baseEnv() });
      try {
        const health = await fetch(`${server.url}/healthz`);
        assert.equal(health.status, 200);
      } finally {
        await server.stop();
      }
    }
  });
});
