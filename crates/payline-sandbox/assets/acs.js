// Submits the ACS simulator's hand-off forms (3DS Method result, PaRes / CRes to the merchant).
// An external file so the pages need no inline script.
document.querySelectorAll('form[data-autosubmit]').forEach(function (f) { f.submit(); });
