/*! card-capture isolated fields frame (MIT OR Apache-2.0): waits for the module, then runs the frame's side of the channel. */
'use strict';
window.CardCapture.ready.then(function (cc) { cc.fieldsFrame(); });
