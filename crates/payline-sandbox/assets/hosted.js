// Hosted payment page. Continues to the 3-D Secure page on its own (the form also has a
// button), and, when the page names the card-capture browser module, formats card entry with
// it: the same formatting a merchant's own checkout gets.
const autosubmit = document.querySelectorAll('form[data-autosubmit]');
autosubmit.forEach((f) => f.submit());

// 3DS Method (EMV 3DS): the ACS's method page runs in the hidden iframe the method form targets;
// the ACS then posts to the sandbox's notification URL inside that iframe, whose page (below)
// tells this page. Continue with methodCompleted=true on that message, or false after the
// page's timeout (10 s).
const methodForm = document.querySelector('form[data-method]');
const continueForm = document.querySelector('form[data-method-continue]');
if (methodForm && continueForm) {
  const frame = document.querySelector(`iframe[name="${methodForm.target}"]`);
  let done = false;
  const proceed = (completed) => {
    if (done) return;
    done = true;
    continueForm.elements.methodCompleted.value = completed ? 'true' : 'false';
    continueForm.submit();
  };
  window.addEventListener('message', (e) => {
    if (e.origin === window.location.origin && frame && e.source === frame.contentWindow
      && e.data && e.data.type === 'payline-sandbox:3ds-method-complete') {
      proceed(true);
    }
  });
  setTimeout(() => proceed(false), Number(continueForm.dataset.timeout) || 10000);
  methodForm.submit();
}
// The notification page inside that iframe: report to the parent page, same origin only.
if (document.querySelector('[data-method-notified]') && window.parent !== window) {
  window.parent.postMessage({ type: 'payline-sandbox:3ds-method-complete' }, window.location.origin);
}
// Only pages with card entry load the module: on a page that navigates away at once, the
// import would only be cancelled by the navigation.
const moduleUrl = document.body.dataset.module;
if (moduleUrl && autosubmit.length === 0 && document.getElementById('cardNumber')) {
  import(moduleUrl)
    .then(async (m) => {
      await m.default();
      const bind = (id, format) => {
        const el = document.getElementById(id);
        if (!el) return;
        el.addEventListener('input', (e) => {
          const r = format(el.value, el.selectionStart ?? undefined, e.inputType);
          el.value = r.value;
          try {
            el.setSelectionRange(r.caret, r.caret);
          } catch (_) {
            // Some input types have no selection.
          }
        });
      };
      bind('cardNumber', m.formatNumber);
      bind('expiryDate', m.formatExpiry);
      document.body.dataset.enhanced = 'card-capture';
    })
    .catch(() => {
      // The plain form keeps working.
    });
}
