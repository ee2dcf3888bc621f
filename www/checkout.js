// ES-module entry of the demo shop: `init()` fetches card_capture_bg.wasm next to the module.
import init, * as cardCapture from '/pkg/card_capture.js';

try {
  await init();
  globalThis.CheckoutDemo.start(cardCapture);
} catch (err) {
  globalThis.CheckoutDemo.fail(err);
}
