// The demo shop's back office: payments with capture / refund / cancel, a payment's attempts and
// operations, customers with their saved cards and schedules (instalments, subscriptions). It talks to payment-server's sandbox-only
// /api/demo/… routes, which run the admin API's own functions without the admin token (a page
// must never hold it). The DOM is built with createElement and textContent only (strict CSP,
// Trusted Types: no HTML from data), and every result is announced in the #result live region.
(function () {
  'use strict';

  function byId(id) {
    return document.getElementById(id);
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function say(text, bad) {
    var result = byId('result');
    result.textContent = text;
    result.classList.toggle('bad', !!bad);
  }

  // The currency's minor-unit exponent (2 for EUR), from Intl: amounts travel in minor units.
  function exponent(currency) {
    try {
      return new Intl.NumberFormat('en', { style: 'currency', currency: currency })
        .resolvedOptions().maximumFractionDigits;
    } catch (e) {
      return 2;
    }
  }

  function money(minor, currency) {
    var digits = exponent(currency);
    try {
      return new Intl.NumberFormat(document.documentElement.lang || 'en', { style: 'currency', currency: currency })
        .format(minor / Math.pow(10, digits));
    } catch (e) {
      return (minor / Math.pow(10, digits)).toFixed(digits) + ' ' + currency;
    }
  }

  // "5", "5.0", "5,50" → minor units, by string arithmetic (no binary floating point);
  // '' → null (all that is left); anything else → NaN.
  function parseAmount(text, currency) {
    var digits = exponent(currency);
    var t = text.trim();
    if (t === '') return null;
    var m = /^(\d{1,9})(?:[.,](\d*))?$/.exec(t);
    if (!m || (m[2] || '').length > digits) return NaN;
    var frac = (m[2] || '') + '0'.repeat(digits);
    return Number(m[1]) * Math.pow(10, digits) + Number(frac.slice(0, digits) || '0');
  }

  function when(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : d.toLocaleString(document.documentElement.lang || 'en');
  }

  function api(method, path, options) {
    var opts = options || {};
    var headers = {};
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.key) headers['Idempotency-Key'] = opts.key;
    return fetch(path, {
      method: method,
      headers: headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    }).then(function (res) {
      if (res.status === 204) return null;
      return res.json().catch(function () { return null; }).then(function (data) {
        if (res.ok) return data;
        var error = data && data.error ? data.error : { code: String(res.status), message: res.statusText };
        var err = new Error(error.message + ' (' + error.code + ')');
        err.status = res.status;
        throw err;
      });
    });
  }

  // Mirrors what crates/payment-server/src/backoffice.rs accepts, so the page only offers what
  // the server would do; the server still decides (a 409 shows in the live region).
  function allowed(p) {
    if (p.operationInProgress) return { capture: false, cancel: false, refund: false };
    var capturable = p.status === 'authorized' || p.status === 'captured';
    var refundable = p.status === 'captured' || p.status === 'partially_refunded';
    return {
      capture: capturable && p.authorizedAmount - p.capturedAmount > 0,
      cancel: capturable,
      refund: refundable && p.capturedAmount - p.refundedAmount > 0,
    };
  }

  var STATUS_WORDS = {
    processing: 'processing',
    pending_3ds: 'waiting for 3-D Secure',
    authorized: 'authorized',
    captured: 'captured',
    partially_refunded: 'partially refunded',
    refunded: 'refunded',
    cancelled: 'cancelled',
    refused: 'refused',
    unknown: 'being reconciled',
    created: 'created',
  };

  function statusCell(p) {
    var td = el('td');
    td.appendChild(el('span', STATUS_WORDS[p.status] || p.status, 'badge badge-' + p.status));
    td.dataset.status = p.status;
    return td;
  }

  // A button whose accessible name says which payment it acts on ("Capture order ABC"), while
  // the visible text stays short.
  function actionButton(label, ref) {
    var button = el('button');
    button.type = 'button';
    button.appendChild(document.createTextNode(label));
    button.appendChild(el('span', ' order ' + ref, 'visually-hidden'));
    return button;
  }

  // One operation per click: a fresh Idempotency-Key each time, so a double click cannot run it
  // twice (the buttons are disabled while it runs) and a retried request finds the first answer.
  function runOperation(p, kind, amountInput, buttons) {
    var body = {};
    if (amountInput && kind !== 'cancel') {
      var amount = parseAmount(amountInput.value, p.currency);
      if (Number.isNaN(amount) || amount === 0) {
        say('Amount for order ' + p.orderRef + ': type a positive amount like 5.00, or leave it empty.', true);
        amountInput.setAttribute('aria-invalid', 'true');
        amountInput.focus();
        return;
      }
      amountInput.removeAttribute('aria-invalid');
      if (amount !== null) body.amount = amount;
    }
    buttons.forEach(function (b) { b.disabled = true; });
    say(kind.charAt(0).toUpperCase() + kind.slice(1) + ' of order ' + p.orderRef + '…');
    var key = 'demo-' + kind + '-' + crypto.randomUUID();
    api('POST', '/api/demo/payments/' + encodeURIComponent(p.id) + '/' + kind, { body: body, key: key })
      .then(function (answer) {
        var after = answer && answer.payment ? answer.payment : p;
        say(kind.charAt(0).toUpperCase() + kind.slice(1) + ' of order ' + p.orderRef + ' done: ' +
          (STATUS_WORDS[after.status] || after.status) + '.');
      }, function (err) {
        say(kind.charAt(0).toUpperCase() + kind.slice(1) + ' of order ' + p.orderRef + ' failed: ' + err.message, true);
      })
      .then(function () {
        return Promise.all([loadPayments(), showDetailIfOpen(p.id)]);
      });
  }

  function paymentRow(p) {
    var tr = el('tr');
    tr.dataset.paymentId = p.id;
    var ref = el('th', p.orderRef);
    ref.scope = 'row';
    tr.appendChild(ref);
    tr.appendChild(statusCell(p));
    tr.appendChild(el('td', money(p.amount, p.currency), 'num'));
    tr.appendChild(el('td', p.maskedCard ? p.maskedCard + (p.brand ? ' (' + p.brand + ')' : '') : '—'));
    tr.appendChild(el('td', money(p.authorizedAmount, p.currency), 'num'));
    tr.appendChild(el('td', money(p.capturedAmount, p.currency), 'num'));
    tr.appendChild(el('td', money(p.refundedAmount, p.currency), 'num'));

    var ops = el('td', null, 'ops');
    var can = allowed(p);
    var amount = el('input');
    amount.type = 'text';
    amount.inputMode = 'decimal';
    amount.autocomplete = 'off';
    amount.className = 'amount';
    amount.setAttribute('aria-label', 'Amount for order ' + p.orderRef + ' (empty: all that is left)');
    amount.disabled = !(can.capture || can.refund);
    var capture = actionButton('Capture', p.orderRef);
    var refund = actionButton('Refund', p.orderRef);
    var cancel = actionButton('Cancel', p.orderRef);
    var details = actionButton('Details', p.orderRef);
    details.className = 'secondary';
    capture.disabled = !can.capture;
    refund.disabled = !can.refund;
    cancel.disabled = !can.cancel;
    var buttons = [capture, refund, cancel];
    capture.addEventListener('click', function () { runOperation(p, 'capture', amount, buttons); });
    refund.addEventListener('click', function () { runOperation(p, 'refund', amount, buttons); });
    cancel.addEventListener('click', function () { runOperation(p, 'cancel', null, buttons); });
    details.addEventListener('click', function () {
      showDetail(p.id).then(function () { byId('detail-title').focus(); });
    });
    [amount, capture, refund, cancel, details].forEach(function (n) { ops.appendChild(n); });
    if (p.operationInProgress) ops.appendChild(el('span', 'operation in progress', 'hint'));
    tr.appendChild(ops);
    return tr;
  }

  function loadPayments() {
    return api('GET', '/api/demo/payments').then(function (data) {
      var rows = byId('payment-rows');
      rows.replaceChildren.apply(rows, data.items.map(paymentRow));
      byId('no-payments').hidden = data.items.length > 0;
      byId('payments').hidden = data.items.length === 0;
      document.documentElement.dataset.payments = String(data.items.length);
    }, function (err) {
      say('The payments did not load: ' + err.message, true);
    });
  }

  function cells(values) {
    var tr = el('tr');
    values.forEach(function (v) { tr.appendChild(el('td', v === null || v === undefined ? '' : v)); });
    return tr;
  }

  var shownId = null;

  function showDetail(id) {
    return api('GET', '/api/demo/payments/' + encodeURIComponent(id)).then(function (p) {
      shownId = p.id;
      byId('detail-title').textContent = 'Payment ' + p.orderRef;
      var summary = byId('detail-summary');
      summary.replaceChildren();
      [
        ['Payment id', p.id],
        ['Status', STATUS_WORDS[p.status] || p.status],
        ['Amount', money(p.amount, p.currency)],
        ['Card', p.maskedCard ? p.maskedCard + (p.brand ? ' (' + p.brand + ')' : '') : '—'],
        ['3-D Secure', p.threeDS ? 'version ' + p.threeDS.version + ', ECI ' + (p.threeDS.eci || '—') +
          (p.threeDS.liabilityShift ? ', liability shifted' : '') : 'none'],
        ['Authorized', money(p.authorizedAmount, p.currency)],
        ['Captured', money(p.capturedAmount, p.currency)],
        ['Refunded', money(p.refundedAmount, p.currency)],
        ['Authorization expires', p.authorizationExpiresAt ? when(p.authorizationExpiresAt) : '—'],
        ['Created', when(p.createdAt)],
      ].forEach(function (pair) {
        summary.appendChild(el('dt', pair[0]));
        summary.appendChild(el('dd', pair[1]));
      });
      var attempts = byId('attempt-rows');
      attempts.replaceChildren.apply(attempts, (p.attempts || []).map(function (a) {
        return cells([a.n, a.orderRef, a.status, a.code, a.message, a.transactionId, when(a.createdAt)]);
      }));
      var operations = byId('operation-rows');
      operations.replaceChildren.apply(operations, (p.operations || []).map(function (o) {
        var row = cells([o.kind, o.status, money(o.amount, o.currency), o.code, o.message, o.transactionId,
          when(o.createdAt)]);
        row.dataset.kind = o.kind;
        return row;
      }));
      byId('detail').hidden = false;
    }, function (err) {
      say('The payment did not load: ' + err.message, true);
    });
  }

  function showDetailIfOpen(id) {
    return shownId === id ? showDetail(id) : Promise.resolve();
  }

  function cardItem(customer, card) {
    var li = el('li');
    li.appendChild(document.createTextNode(card.brand + ' •••• ' + card.last4 + ', expires ' +
      card.expiry.slice(0, 2) + '/' + card.expiry.slice(2) + (card.expired ? ' (expired)' : '') + ' '));
    var remove = el('button');
    remove.type = 'button';
    remove.className = 'secondary';
    remove.textContent = 'Delete';
    remove.appendChild(el('span', ' card ending ' + card.last4 + ' of ' + customer.id, 'visually-hidden'));
    remove.addEventListener('click', function () {
      remove.disabled = true;
      say('Deleting the card ending ' + card.last4 + ' of ' + customer.id + '…');
      api('DELETE', '/api/demo/customers/' + encodeURIComponent(customer.id) + '/cards/' + encodeURIComponent(card.cardId))
        .then(function () {
          say('Card ending ' + card.last4 + ' of ' + customer.id + ' deleted.');
        }, function (err) {
          say('Deleting the card failed: ' + err.message, true);
        })
        .then(loadCustomers);
    });
    li.appendChild(remove);
    return li;
  }

  var EVERY_WORDS = {
    daily: 'daily', weekly: 'weekly', twice_monthly: 'twice a month', monthly: 'monthly',
    every_two_months: 'every two months', quarterly: 'quarterly', every_six_months: 'every six months',
    yearly: 'yearly', every_two_years: 'every two years',
  };

  // One schedule: what it bills, how far it got, and a Cancel button while it is active (the
  // server refuses a completed one, and one whose registration is still being settled).
  function scheduleItem(customer, sch) {
    var li = el('li');
    li.dataset.scheduleStatus = sch.status;
    var payments = sch.payments || [];
    var paid = payments.filter(function (x) { return x.status === 'paid'; }).length;
    var next = payments.filter(function (x) { return x.status === 'scheduled' && x.dueDate; })[0];
    var what = (sch.kind === 'instalments' ? 'Instalments' : 'Subscription') + ', ' +
      (EVERY_WORDS[sch.every] || sch.every) + ', ' + money(sch.amount, sch.currency) +
      (sch.count ? ' × ' + sch.count : '') + ' (order ' + sch.orderRef + '): ' + sch.status + ', ' +
      paid + ' paid' + (next ? ', next on ' + next.dueDate : '') + ' ';
    li.appendChild(document.createTextNode(what));
    var cancel = el('button');
    cancel.type = 'button';
    cancel.className = 'secondary';
    cancel.textContent = 'Cancel schedule';
    cancel.appendChild(el('span', ' ' + sch.orderRef + ' of ' + customer.id, 'visually-hidden'));
    cancel.disabled = sch.status !== 'active';
    cancel.addEventListener('click', function () {
      cancel.disabled = true;
      say('Cancelling schedule ' + sch.orderRef + ' of ' + customer.id + '…');
      api('DELETE', '/api/demo/schedules/' + encodeURIComponent(sch.id))
        .then(function (after) {
          say('Schedule ' + sch.orderRef + ' of ' + customer.id + ': ' + after.status + '.');
        }, function (err) {
          say('Cancelling the schedule failed: ' + err.message, true);
        })
        .then(loadCustomers);
    });
    li.appendChild(cancel);
    return li;
  }

  function customerBlock(customer) {
    var block = el('section', null, 'customer');
    var headingId = 'customer-' + customer.id;
    var title = el('h3', customer.id);
    title.id = headingId;
    block.setAttribute('aria-labelledby', headingId);
    block.appendChild(title);
    var name = [customer.firstName, customer.lastName].filter(Boolean).join(' ');
    block.appendChild(el('p', [name, customer.email, 'since ' + when(customer.createdAt)].filter(Boolean).join(', '), 'hint'));
    block.appendChild(el('h4', 'Saved cards'));
    var list = el('ul', null, 'cards');
    block.appendChild(list);
    block.appendChild(el('h4', 'Schedules'));
    var plans = el('ul', null, 'cards schedules');
    block.appendChild(plans);
    var base = '/api/demo/customers/' + encodeURIComponent(customer.id);
    return Promise.all([api('GET', base + '/cards'), api('GET', base + '/schedules')]).then(function (both) {
      var cards = both[0];
      var schedules = both[1];
      if (cards.length === 0) list.appendChild(el('li', 'No saved card.'));
      cards.forEach(function (card) { list.appendChild(cardItem(customer, card)); });
      if (schedules.length === 0) plans.appendChild(el('li', 'No instalments or subscription.'));
      schedules.forEach(function (sch) { plans.appendChild(scheduleItem(customer, sch)); });
      return block;
    });
  }

  function loadCustomers() {
    return api('GET', '/api/demo/customers').then(function (data) {
      return Promise.all(data.items.map(customerBlock)).then(function (blocks) {
        var box = byId('customer-list');
        box.replaceChildren.apply(box, blocks);
        byId('no-customers').hidden = data.items.length > 0;
      });
    }).catch(function (err) {
      say('The customers did not load: ' + err.message, true);
    });
  }

  function refresh() {
    return Promise.all([loadPayments(), loadCustomers(), shownId ? showDetail(shownId) : null]);
  }

  function start() {
    byId('refresh').addEventListener('click', function () {
      refresh().then(function () { say('Refreshed.'); });
    });
    refresh().then(function () { document.documentElement.dataset.backoffice = 'ready'; });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
