// Script-tag entry of the demo: card-capture.js has defined window.CardCapture, and its
// `ready` promise settles once the integrity-checked WebAssembly is instantiated.
(function () {
  'use strict';
  var demo = window.CardCaptureDemo;
  if (!window.CardCapture) {
    // The browser refused the script (integrity mismatch) or could not fetch it.
    demo.fail(new Error('card-capture.js did not load'));
    return;
  }
  window.CardCapture.ready.then(demo.start, demo.fail);
})();
