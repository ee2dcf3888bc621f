// Script-tag entry of the demo shop: window.CardCapture is defined by card-capture.js,
// and its `ready` promise settles once the integrity-checked WebAssembly is instantiated.
(function () {
  'use strict';
  if (!window.CardCapture) {
    window.CheckoutDemo.fail(new Error('card-capture.js did not load'));
    return;
  }
  window.CardCapture.ready.then(window.CheckoutDemo.start, window.CheckoutDemo.fail);
})();
