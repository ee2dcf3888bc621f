/** card-capture/react: <CardCheckout>, the checkout form as a React (18, 19) component. */
import type { ForwardRefExoticComponent, RefAttributes } from 'react';
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

/** `onReady`, `onChange`, … `onResult`: the module's events (CheckoutEvents). */
export type CardCheckoutEventProps = {
  [K in keyof CheckoutEvents as `on${Capitalize<K & string>}`]?: (detail: CheckoutEvents[K]) => void;
};

export interface CardCheckoutProps extends CardCheckoutEventProps {
  /** The payment server's checkout session answer; a new one mounts afresh. */
  session?: CheckoutSession;
  /** Messages language (default: <html lang>, then the browser's); loaded on demand. */
  locale?: LocaleTag | `${LocaleTag}-${string}`;
  options?: CardCheckoutOptions;
  /** Texts of the four labels (default English: "Card number", "Expiry date", ...). */
  labels?: Partial<Record<'number' | 'expiry' | 'cvv' | 'holder', string>>;
  className?: string;
  /** init(), the language or mount() failed (default: console.error). */
  onMountError?: (error: unknown) => void;
}

/** What the component's ref holds. */
export interface CardCheckoutRef {
  /**
   * The module's submit(); never rejects. Before the form is mounted it waits for the mount;
   * on a component that never mounted (unmounted first, or mount() failed) it resolves
   * { status: "error", code: "not_mounted", message: "" }.
   */
  submit(options?: SubmitOptions): Promise<CheckoutResult>;
  /** The module's state(), or null while not mounted. */
  state(): CheckoutState | null;
  /** Empties the fields. */
  clear(): void;
  /** The mounted form, or null. */
  readonly handle: CheckoutHandle | null;
}

export declare const CardCheckout: ForwardRefExoticComponent<CardCheckoutProps & RefAttributes<CardCheckoutRef>>;

/** The event prop names, onReady … onResult. */
export declare const EVENT_PROPS: readonly string[];
