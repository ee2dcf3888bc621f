// card-capture/vue: <CardCheckout>, the checkout form as a Vue 3 component over mount().
// Vue is a peer dependency, imported from the page's own copy; render functions (h), no
// template compiler needed.
import { defineComponent, h, onBeforeUnmount, onMounted, ref, toRaw, useId, watch } from 'vue';
import { EVENTS, start } from '../lifecycle.js';

const FIELDS = [
  // [option name, default label, name and autocomplete (WHATWG HTML §4.10.18.7.1 autofill)]
  ['number', 'Card number', 'cc-number'],
  ['expiry', 'Expiry date', 'cc-exp'],
  ['cvv', 'Security code', 'cc-csc'],
  ['holder', 'Cardholder name', 'cc-name'],
];

/**
 * The four card inputs with their labels (or, with `options.isolated`, one container the module
 * fills), mounted while the component is; the module's events are emitted as they are
 * (`@ready`, `@change`, … `@result`), plus `mount-error`. Exposes `submit()`, `state()`,
 * `clear()` and `handle()`. A new `session`, `locale` or `options.isolated` mounts afresh.
 */
export const CardCheckout = defineComponent({
  name: 'CardCheckout',
  props: {
    session: { type: Object, default: undefined },
    locale: { type: String, default: undefined },
    options: { type: Object, default: undefined },
    labels: { type: Object, default: undefined },
  },
  emits: [...EVENTS, 'mount-error'],
  setup(props, { emit, expose }) {
    const id = useId();
    const inputs = {};
    const container = ref(null);
    let life = null;

    function mountNow() {
      // The plain objects behind Vue's reactive proxies (a session kept in a ref() is one):
      // isolated fields post the options to their frame, and a proxy cannot be cloned
      // (HTML structured clone).
      const options = { ...toRaw(props.options), session: toRaw(props.session), locale: props.locale };
      if (props.options?.isolated) {
        options.container = container.value;
      } else {
        options.fields = { number: inputs.number, expiry: inputs.expiry, cvv: inputs.cvv, holder: inputs.holder };
      }
      life = start(options, (event, detail) => emit(event, detail), (err) => {
        emit('mount-error', err);
        console.error(err);
      });
    }
    function unmountNow() {
      life?.stop();
      life = null;
    }

    // onMounted runs in the browser only: server-side rendering never mounts.
    onMounted(mountNow);
    onBeforeUnmount(unmountNow);
    // Each source compared on its own: an `options` object written inline in the parent's
    // render is a new object every render, and must not remount the form.
    watch([() => props.session, () => props.locale, () => Boolean(props.options?.isolated)], () => {
      unmountNow();
      // After the render that swapped inputs for a container (or back).
      queueMicrotask(() => { if (!life) mountNow(); });
    });

    expose({
      submit: (submitOptions) => (life
        ? life.submit(submitOptions)
        : Promise.resolve({ status: 'error', code: 'not_mounted', message: '' })),
      state: () => life?.handle?.state() ?? null,
      clear: () => life?.handle?.clear(),
      handle: () => life?.handle ?? null,
    });

    return () => {
      if (props.options?.isolated) return h('div', { ref: container, class: 'cc-checkout' });
      return h('div', { class: 'cc-checkout' }, FIELDS.map(([field, label, auto]) =>
        // Each input in a wrapper of its own: the message the module adds after it stays
        // inside the wrapper, out of the way of Vue's own children.
        h('div', { key: field, class: `cc-row cc-row-${field}` }, [
          h('label', { for: `${id}-${field}` }, props.labels?.[field] ?? label),
          h('input', {
            id: `${id}-${field}`,
            name: auto,
            autocomplete: auto,
            ref: (el) => { inputs[field] = el; },
          }),
        ])));
    };
  },
});
