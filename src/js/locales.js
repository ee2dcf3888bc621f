// card-capture/locales: the buyer-facing texts in the languages the module does not carry
// itself. English and French are in the .wasm; the six others cost 0.7 to 0.9 KB gzip each,
// so each is its own file, fetched only by a page that shows it (a dynamic import(), which
// every bundler splits into a chunk of its own).
import { negotiateLocale, registerLocale } from '../card_capture.js';

const CATALOGUES = {
  de: () => import('./de.js'),
  es: () => import('./es.js'),
  it: () => import('./it.js'),
  nl: () => import('./nl.js'),
  pt: () => import('./pt.js'),
  pl: () => import('./pl.js'),
};

/** Every language of the module: built in first, then those loaded on demand. */
export const LOCALES = Object.freeze(['en', 'fr', ...Object.keys(CATALOGUES)]);

/**
 * Loads the language `mount({locale})` is going to use, the same negotiation as mount()'s
 * (the option, <html lang>, the browser's, English; a regional tag gets its language), and
 * hands it to the module. Resolves with the language tag. Call it after init(), before mount().
 */
export async function loadLocale(locale) {
  const tag = negotiateLocale(locale);
  const load = CATALOGUES[tag];
  if (load) registerLocale(tag, (await load()).default);
  return tag;
}
