// ES-module entry of the demo: `init()` fetches card_capture_bg.wasm next to the module, then
// every card-capture function is synchronous.
import init, * as cardCapture from '/pkg/card_capture.js';

try {
  await init();
  globalThis.CardCaptureDemo.start(cardCapture);
} catch (err) {
  globalThis.CardCaptureDemo.fail(err);
}
