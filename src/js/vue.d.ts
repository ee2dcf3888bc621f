/** card-capture/vue: <CardCheckout>, the checkout form as a Vue 3 component. */
import type { DefineComponent, PropType } from 'vue';
import type {
  CheckoutEvents, CheckoutHandle, CheckoutResult, CheckoutSession, CheckoutState, LocaleTag,
  MountOptions, SubmitOptions,
} from '../card_capture.js';

/** mount() options other than those the component sets itself. */
export type CardCheckoutOptions = Omit<MountOptions, 'fields' | 'session' | 'locale'> & {
  /**
   * Isolated fields: the module draws the fields in an iframe inside the component's
   * container, which the component passes to mount() as `container`.
   */
  isolated?: boolean;
  /** With `isolated`: the fields' looks, passed to mount() as they are (its style allow-list). */
  style?: Record<string, Record<string, string> | string>;
};

/** What the component exposes (a template ref's value). */
export interface CardCheckoutExposed {
  /**
   * The module's submit(); never rejects. Before the form is mounted it waits for the mount;
   * on a component not mounted it resolves { status: "error", code: "not_mounted", message: "" }.
   */
  submit(options?: SubmitOptions): Promise<CheckoutResult>;
  /** The module's state(), or null while not mounted. */
  state(): CheckoutState | null;
  /** Empties the fields. */
  clear(): void;
  /** The mounted form, or null. */
  handle(): CheckoutHandle | null;
}

type Emits = { [K in keyof CheckoutEvents]: (detail: CheckoutEvents[K]) => void } & {
  'mount-error': (error: unknown) => void;
};

declare const props: {
  /** The payment server's checkout session answer; a new one mounts afresh. */
  session: { type: PropType<CheckoutSession>; default: undefined };
  /** Messages language (default: <html lang>, then the browser's); loaded on demand. */
  locale: { type: PropType<LocaleTag | `${LocaleTag}-${string}`>; default: undefined };
  options: { type: PropType<CardCheckoutOptions>; default: undefined };
  /** Texts of the four labels (default English: "Card number", "Expiry date", ...). */
  labels: { type: PropType<Partial<Record<'number' | 'expiry' | 'cvv' | 'holder', string>>>; default: undefined };
};

export declare const CardCheckout: DefineComponent<typeof props, CardCheckoutExposed, {}, {}, {}, {}, {}, Emits>;
