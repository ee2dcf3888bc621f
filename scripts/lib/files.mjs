// File, hash and compression helpers shared by the build, size and serve scripts.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PKG_DIR = path.join(ROOT, 'pkg');
export const WWW_DIR = path.join(ROOT, 'www');

// Names of the package files (wasm-bindgen derives the first four from the lib name).
export const FILES = Object.freeze({
  esm: 'card_capture.js',
  types: 'card_capture.d.ts',
  wasm: 'card_capture_bg.wasm',
  wasmTypes: 'card_capture_bg.wasm.d.ts',
  global: 'card-capture.js',
  globalTypes: 'card-capture.d.ts',
  integrity: 'integrity.json',
  // Optional styles for the elements mount() adds (source: src/card-capture.css).
  css: 'card-capture.css',
  // The validation-only entry point `card-capture/validate` (crates/card-validate-wasm).
  validateEsm: 'validate/card_validate.js',
  validateTypes: 'validate/card_validate.d.ts',
  validateWasm: 'validate/card_validate_bg.wasm',
  // The isolated fields' frame document and its own script and styles (sources: src/fields/),
  // served by the payment server at /fields/<version>/ with the module files beside them.
  fieldsHtml: 'fields/frame.html',
  fieldsJs: 'fields/frame.js',
  fieldsCss: 'fields/fields.css',
});

// What a browser downloads, per entry point.
export const ENTRY_POINTS = Object.freeze({
  'ES module': [FILES.esm, FILES.wasm],
  'script tag': [FILES.global, FILES.wasm],
  'validation only': [FILES.validateEsm, FILES.validateWasm],
});

/** Subresource Integrity value (W3C SRI §3.1), sha384 as browsers and CDNs use by default. */
export function sri(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

export function gzipSize(bytes) {
  return zlib.gzipSync(bytes, { level: 9 }).length;
}

export function brotliSize(bytes) {
  return zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;
}
