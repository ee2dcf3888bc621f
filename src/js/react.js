// card-capture/react: <CardCheckout>, the checkout form as a React component over mount().
// React is a peer dependency, imported from the page's own copy; no JSX, so this file ships
// as it is written. Works with React 18 and 19, StrictMode included.
import { createElement, forwardRef, useEffect, useId, useImperativeHandle, useRef } from 'react';
import { EVENTS, handlerName, start } from '../lifecycle.js';

const FIELDS = [
  // [option name, default label, name and autocomplete (WHATWG HTML §4.10.18.7.1 autofill)]
  ['number', 'Card number', 'cc-number'],
  ['expiry', 'Expiry date', 'cc-exp'],
  ['cvv', 'Security code', 'cc-csc'],
  ['holder', 'Cardholder name', 'cc-name'],
];

/**
 * The four card inputs with their labels (or, with `options.isolated`, one container the module
 * fills), mounted while the component is: `onReady`, `onChange`, … `onResult` receive the
 * module's events; the ref has `submit()`, `state()`, `clear()` and the mounted `handle`.
 * A new `session`, `locale` or `options.isolated` mounts afresh; other options are read when
 * mounting.
 */
export const CardCheckout = forwardRef(function CardCheckout(props, ref) {
  const { session, locale, options, labels, className } = props;
  const isolated = Boolean(options?.isolated);
  const id = useId();
  const inputs = useRef({});
  const container = useRef(null);
  const mounted = useRef(null);
  // Event props are read when an event fires, so a new callback never remounts the form.
  const latest = useRef(props);
  latest.current = props;

  useImperativeHandle(ref, () => ({
    submit: (submitOptions) => (mounted.current
      ? mounted.current.submit(submitOptions)
      : Promise.resolve({ status: 'error', code: 'not_mounted', message: '' })),
    state: () => mounted.current?.handle?.state() ?? null,
    clear: () => mounted.current?.handle?.clear(),
    get handle() { return mounted.current?.handle ?? null; },
  }), []);

  useEffect(() => {
    const mountOptions = { ...latest.current.options, session, locale };
    if (isolated) {
      mountOptions.container = container.current;
    } else {
      const el = inputs.current;
      mountOptions.fields = { number: el.number, expiry: el.expiry, cvv: el.cvv, holder: el.holder };
    }
    const life = start(
      mountOptions,
      (event, detail) => latest.current[handlerName(event)]?.(detail),
      (err) => {
        const report = latest.current.onMountError;
        if (report) report(err);
        else console.error(err);
      },
    );
    mounted.current = life;
    return () => {
      life.stop();
      if (mounted.current === life) mounted.current = null;
    };
  }, [session, locale, isolated]);

  if (isolated) return createElement('div', { ref: container, className: className ?? 'cc-checkout' });
  return createElement('div', { className: className ?? 'cc-checkout' }, FIELDS.map(([field, label, auto]) =>
    // Each input in a wrapper of its own: the message the module adds after it stays inside
    // the wrapper, out of the way of React's own children.
    createElement('div', { key: field, className: `cc-row cc-row-${field}` },
      createElement('label', { htmlFor: `${id}-${field}` }, labels?.[field] ?? label),
      createElement('input', {
        id: `${id}-${field}`,
        name: auto,
        autoComplete: auto,
        ref: (el) => { inputs.current[field] = el; },
      }))));
});

/** The events `<CardCheckout>` forwards, as their prop names (onReady … onResult). */
export const EVENT_PROPS = Object.freeze(EVENTS.map(handlerName));
