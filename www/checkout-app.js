// The demo shop's checkout, shared by index.html (ES module) and script-tag.html
// (classic script). What a merchant writes: get a checkout session from its server, mount
// card-capture on its own inputs, call submit() from its own form, show the result.
// The demo has no shop backend, so it asks the payment server's sandbox-only endpoint for the
// session. It touches the DOM only through textContent and attributes (strict CSP).
(function () {
  'use strict';

  var params = new URLSearchParams(window.location.search);
  var STORE_KEY = 'card-capture-demo-session';

  function byId(id) {
    return document.getElementById(id);
  }

  function whenDomReady(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || 'en', { style: 'currency', currency: currency })
        .format(amount / 100);
    } catch (e) {
      return (amount / 100).toFixed(2) + ' ' + currency;
    }
  }

  function say(text) {
    byId('outcome').textContent = text;
  }

  // The status line ends with the outcome, in words a buyer understands.
  function show(result) {
    var form = byId('pay-form');
    form.removeAttribute('aria-busy');
    document.documentElement.dataset.result = result.status;
    if (result.status === 'authorized') {
      say('Payment authorized' + (result.savedCard ? ' (card ending ' + result.savedCard.last4 + ' saved for next time)' : '') +
        (result.scheduleId ? '; the next payments are scheduled' : ''));
      if (result.scheduleId) document.documentElement.dataset.schedule = result.scheduleId;
    }
    else if (result.status === 'refused') say('Payment refused: ' + result.message);
    else if (result.status === 'invalid') say('Check the card details above.');
    // Not decided yet: it may still be authorized, so the buyer is not invited to pay again.
    else if (result.status === 'pending') say('Payment pending: ' + result.message);
    else say('Payment not done: ' + result.message);
  }

  var PLANS = {
    instalments: { amount: 8997, schedule: { kind: 'instalments', count: 3, every: 'monthly' },
      text: function (s) { return 'Pay in 3 monthly instalments: ' + money(s.schedule.payments[0].amount, s.currency) + ' today, then ' + money(s.schedule.amount, s.currency) + ' a month'; } },
    subscription: { amount: 990, schedule: { kind: 'subscription', amount: 990, every: 'monthly' },
      text: function (s) { return 'Coffee subscription: ' + money(s.amount, s.currency) + ' today, then ' + money(s.schedule.amount, s.currency) + ' every month until you cancel'; } },
  };

  function returnUrl() {
    return window.location.origin + window.location.pathname + '?threeDS=redirect';
  }

  function createSession() {
    var body = {};
    if (params.has('amount')) body.amount = Number(params.get('amount'));
    if (params.get('threeDS') === 'redirect') body.returnUrl = returnUrl();
    // A returning customer: the session lists the saved cards and offers saving a new one.
    if (params.get('customer')) {
      body.customer = { id: params.get('customer') };
      body.saveCard = 'offer';
    }
    // The instalments and subscription products: the gateway bills the later payments on the
    // card saved at checkout, so they need a customer (the demo shopper when none is given).
    var plan = PLANS[params.get('plan')];
    if (plan) {
      body.customer = body.customer || { id: 'demo-shopper' };
      body.amount = body.amount || plan.amount;
      body.schedule = plan.schedule;
      delete body.saveCard;
    }
    return fetch('/api/demo/checkout-sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      if (!res.ok) throw new Error('the payment server answered ' + res.status);
      return res.json();
    });
  }

  function start(cc) {
    whenDomReady(function () {
      // Back from a full-page 3-D Secure redirect: the outcome is read from the status URL.
      var back = params.get('cardCaptureSession');
      var stored = null;
      try {
        stored = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || 'null');
      } catch (e) {
        stored = null;
      }
      if (back && stored && stored.id === back) {
        say('Checking the payment…');
        cc.resume(stored).then(function (result) {
          show(result);
          document.documentElement.dataset.checkout = 'resumed';
        });
        return;
      }
      createSession().then(function (session) { mount(cc, session); }, fail);
    });
  }

  function mount(cc, session) {
    var redirect = params.get('threeDS') === 'redirect';
    var locale = params.get('locale');
    if (locale) document.documentElement.lang = locale;
    var options = {
      session: session,
      locale: locale || undefined,
      threeDS: redirect ? { mode: 'redirect', returnUrl: returnUrl() } : { mode: 'iframe' },
      // Shown by the module only when the session offers saving the card.
      saveCard: byId('save-card') ? '#save-card' : undefined,
    };
    // isolated.html: the card inputs are in one iframe served by the payment server; this page
    // only gets events and the result.
    if (byId('card-frame')) {
      showSameOriginNote(session);
      options.isolated = true;
      options.container = '#card-frame';
      options.style = {
        layout: params.get('layout') || 'two-rows',
        base: { fontFamily: 'system-ui, sans-serif', fontSize: '16px', borderRadius: '6px', color: '#1f2937' },
        focus: { outlineColor: '#2563eb' },
        invalid: { borderColor: '#b91c1c' },
        complete: { borderColor: '#15803d' },
      };
    } else {
      options.fields = { number: '#cc-number', expiry: '#cc-exp', cvv: '#cc-csc', holder: '#cc-name' };
    }
    var handle = cc.mount(options);
    showSavedCards(session, handle);
    var total = money(session.amount, session.currency);
    byId('line-amount').textContent = total;
    byId('total').textContent = total;
    var button = byId('pay');
    button.textContent = 'Pay ' + total;
    var plan = PLANS[params.get('plan')];
    if (plan && session.schedule && byId('plan')) {
      byId('plan').textContent = plan.text(session);
      byId('plan').hidden = false;
      // What the card is charged today.
      button.textContent = 'Pay ' + money(session.schedule.payments[0].amount, session.currency);
    }
    var form = byId('pay-form');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      form.setAttribute('aria-busy', 'true');
      say('Processing…');
      if (redirect) window.sessionStorage.setItem(STORE_KEY, JSON.stringify(session));
      // A second click while a payment runs gets the same promise: one payment.
      handle.submit().then(show);
    });
    ['cc-number', 'cc-exp', 'cc-csc', 'cc-name'].forEach(function (id) { if (byId(id)) byId(id).disabled = false; });
    button.disabled = false;
    say('');
    // For the end-to-end tests and curious readers: the handle and the order reference.
    window.checkout = handle;
    window.cardCapture = cc;
    window.checkoutOrder = { id: session.id, orderRef: session.orderRef };
    handle.on('ready', function () { document.documentElement.dataset.checkout = 'ready'; });
    // The payment server's answer was lost or is late: the module reads the outcome.
    handle.on('checking', function () { say('Checking your payment…'); });
  }

  // Isolation shows only when this page and the payment server are different origins. Served
  // by the sandbox server itself, the page links to the server's other loopback name
  // (localhost ↔ 127.0.0.1), which the sandbox allows as a checkout origin.
  function showSameOriginNote(session) {
    var note = byId('same-origin-note');
    var host = window.location.hostname;
    var other = host === 'localhost' ? '127.0.0.1' : host === '127.0.0.1' ? 'localhost' : null;
    if (!note || !other || new URL(session.payUrl).origin !== window.location.origin) return;
    var url = new URL(window.location.href);
    url.hostname = other;
    byId('other-origin').href = url.toString();
    note.hidden = false;
  }

  // The customer's saved cards as radio buttons (text only: the page never builds HTML from
  // data); an expired card is listed but cannot be chosen.
  function showSavedCards(session, handle) {
    var box = byId('saved-cards');
    var cards = session.savedCards || [];
    if (!box || cards.length === 0) return;
    var list = byId('saved-card-list');
    cards.forEach(function (card, i) {
      var label = document.createElement('label');
      var radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = 'saved-card';
      radio.value = card.cardId;
      radio.disabled = !!card.expired;
      radio.checked = i === 0 && !card.expired;
      label.appendChild(radio);
      label.appendChild(document.createTextNode(' ' + card.brand + ' •••• ' + card.last4 + ', expires ' +
        card.expiry.slice(0, 2) + '/' + card.expiry.slice(2) + (card.expired ? ' (expired)' : '')));
      list.appendChild(label);
    });
    box.hidden = false;
    byId('pay-saved').addEventListener('click', function () {
      var chosen = document.querySelector('input[name=saved-card]:checked');
      if (!chosen) {
        say('Choose a saved card.');
        return;
      }
      byId('pay-form').setAttribute('aria-busy', 'true');
      say('Processing…');
      handle.submit({ savedCard: chosen.value }).then(show);
    });
  }

  function fail(err) {
    whenDomReady(function () {
      say('The checkout did not load: ' + (err && err.message ? err.message : String(err)));
      document.documentElement.dataset.checkout = 'error';
    });
  }

  window.CheckoutDemo = Object.freeze({ start: start, fail: fail });
})();
