// Hosted payment page. Continues to the 3-D Secure page on its own (the form also has a
// button), and, when the page names the card-capture browser module, formats card entry with
// it: the same formatting a merchant's own checkout gets.
const autosubmit = document.querySelectorAll('form[data-autosubmit]');
autosubmit.forEach((f) => f.submit());
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
