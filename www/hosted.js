// The demo's "Use Payline's payment page" button: a hosted checkout session, where the buyer types
// the card on the gateway's own payment page (Payline doWebPayment) instead of this form. The
// payment server sends the buyer back here with ?cardCaptureSession=<id>; checkout-app.js then
// reads the outcome with resume(), from the session stored below, as after a full-page 3-D
// Secure redirect. Nothing else of the page changes.
(function () {
  'use strict';

  // The key checkout-app.js reads when the buyer comes back.
  var STORE_KEY = 'card-capture-demo-session';

  function openPage(button) {
    var params = new URLSearchParams(window.location.search);
    var body = {
      mode: 'hosted',
      returnUrl: window.location.origin + window.location.pathname + '?hosted=1',
    };
    if (params.has('amount')) body.amount = Number(params.get('amount'));
    button.disabled = true;
    fetch('/api/demo/checkout-sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      if (!res.ok) throw new Error('the payment server answered ' + res.status);
      return res.json();
    }).then(function (session) {
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(session));
      window.location.assign(session.redirectUrl);
    }).catch(function (err) {
      button.disabled = false;
      document.getElementById('outcome').textContent =
        "Payline's page did not open: " + (err && err.message ? err.message : String(err));
    });
  }

  function setUp() {
    var button = document.getElementById('pay-hosted');
    if (button) button.addEventListener('click', function () { openPage(button); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setUp);
  else setUp();
})();
