// What the React and Vue components share: mount() once the module and the buyer's language are
// loaded, unless the component went away first, and destroy() exactly once. No framework code:
// `card-capture/react` and `card-capture/vue` call this from their own life cycles. Nothing
// here touches `window` or `document` when imported, so server-side rendering can import it.
import init, { mount } from './card_capture.js';
import { loadLocale } from './locales/index.js';

/** The module's event names (CheckoutEvents), in the order of docs/browser-checkout.md. */
export const EVENTS = Object.freeze(['ready', 'change', 'brand', 'focus', 'blur', 'complete',
  'submit', 'challenge', 'checking', 'error', 'result']);

/** `result` → `onResult`: the React prop and the Vue listener name of an event. */
export function handlerName(event) {
  return `on${event[0].toUpperCase()}${event.slice(1)}`;
}

let instantiated = null;

/**
 * init() once per page: every component shares one instance of the module (a second
 * instantiation would start from an empty table of loaded languages).
 */
function instantiate() {
  instantiated ??= init().catch((err) => {
    instantiated = null;
    throw err;
  });
  return instantiated;
}

/**
 * Starts mounting with `options` (mount()'s, read now); `emit(event, detail)` receives the
 * module's events; `failed(error)` an error of init(), loadLocale() or mount(). Answers
 * `{handle, ready, submit, stop}`: `stop()` before the mount means it never happens (React's
 * StrictMode runs an effect, its cleanup and the effect again; the first mount is skipped, not
 * leaked), after it destroy(), which abandons a 3-D Secure attempt still open.
 */
export function start(options, emit, failed) {
  let handle = null;
  let stopped = false;
  const forward = EVENTS.map((event) => [event, (detail) => emit(event, detail)]);
  const ready = (async () => {
    await instantiate();
    await loadLocale(options.locale);
    if (stopped) return null;
    handle = mount(options);
    for (const [event, fn] of forward) handle.on(event, fn);
    return handle;
  })().catch((err) => {
    if (!stopped) failed(err);
    return null;
  });
  return {
    get handle() { return handle; },
    ready,
    /** submit() once mounted; never rejects, as the module's own. */
    async submit(submitOptions) {
      const h = await ready;
      if (!h || stopped) return { status: 'error', code: 'not_mounted', message: '' };
      return h.submit(submitOptions);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (handle) {
        for (const [event, fn] of forward) handle.off(event, fn);
        handle.destroy();
        handle = null;
      }
    },
  };
}
