/** card-capture/locales: the languages other than English and French, loaded on demand. */
import type { LocaleTag } from '../card_capture.js';

/** Every language of the module: "en", "fr" (built in), "de", "es", "it", "nl", "pt", "pl". */
export declare const LOCALES: readonly LocaleTag[];

/**
 * Loads the language mount({locale}) will use (the option, <html lang>, the browser's, English;
 * "de-AT" is German, "pt-BR" Portuguese) and hands it to the module; resolves with its tag.
 * Call it after init() and before mount().
 */
export declare function loadLocale(locale?: string): Promise<LocaleTag>;
