
// card-capture/validate: the public functions. The build appends this file to wasm-bindgen's
// glue, whose `run` (the module's one export, see src/lib.rs) it calls. Names, arguments,
// results and thrown errors are those of the full module's functions (src/api.rs), so a page
// can switch between `card-capture` and `card-capture/validate` without other change.

// Operation codes of `run` (src/lib.rs, mod op).
const NUMBER = 0, BRANDS = 1, EXPIRY = 2, CVV = 3, HOLDER = 4, FORMAT_NUMBER = 5,
  FORMAT_EXPIRY = 6, BRAND = 7, FIELD = 8, RANGE = 9, APPLY = 10;

const isString = (v) => typeof v === 'string';

/** `{valid, potentiallyValid}` from the two low bits. */
function validity(bits) {
  return { valid: (bits & 1) !== 0, potentiallyValid: (bits & 2) !== 0 };
}

/** A number result of `run`: one character (see pack::flag_char). */
function flags(op, input, extra, a, b) {
  return run(op, input, extra, a, b).codePointAt(0);
}

// [id, name, paylineType] of each brand of the current table, in table order: what the brand
// indexes of a number result refer to. Read again after every table change.
let brandList = null;
function brandAt(index) {
  if (brandList === null) {
    const fields = run(BRANDS, '', '', 0, 0).split('\n');
    brandList = [];
    for (let i = 0; i + 2 < fields.length; i += 3) brandList.push(fields.slice(i, i + 3));
  }
  const [id, name, paylineType] = brandList[index];
  return { id, name, paylineType };
}

export function validateNumber(input) {
  // A non-string is checked as a NUL character: invalid, no brand (as the full module).
  const packed = run(NUMBER, isString(input) ? input : '\0', '', 0, 0);
  const at = (i) => packed.charCodeAt(i);
  let i = 3;
  const list = () => {
    const items = [];
    for (let n = at(i++); n > 0; n -= 1) items.push(at(i++));
    return items;
  };
  const gaps = list();
  const lengths = list();
  const brands = [];
  while (i < packed.length) brands.push(brandAt(at(i++)));
  const v = validity(at(0));
  return {
    valid: v.valid, potentiallyValid: v.potentiallyValid, brands, gaps, lengths,
    cvvLength: at(1), cvvRequired: at(2) !== 0,
  };
}

const pad2 = (n) => String(n).padStart(2, '0');

export function validateExpiry(input, today) {
  let year;
  let month;
  if (today === undefined || today === null) {
    const now = new Date();
    year = now.getFullYear();
    month = now.getMonth() + 1;
  } else if (typeof today === 'object' || typeof today === 'function') {
    // An unreadable `today` (a throwing getter) is a malformed one: the expiry is invalid.
    try {
      year = today.year;
      month = today.month;
    } catch {
      year = undefined;
    }
  }
  if (!isString(input) || typeof year !== 'number' || typeof month !== 'number') {
    return validity(0);
  }
  const packed = flags(EXPIRY, input, '', year, month);
  const result = validity(packed);
  if (packed >> 6) {
    result.month = (packed >> 2) & 15;
    result.year = packed >> 6;
    // Payline's card.expirationDate, MMYY.
    result.payline = pad2(result.month) + pad2(result.year % 100);
  }
  return result;
}

export function validateCvv(input, brandId) {
  if (!isString(input)) return validity(0);
  return validity(flags(CVV, input, isString(brandId) ? brandId : '', 0, 0));
}

export function validateHolder(input) {
  return validity(isString(input) ? flags(HOLDER, input, '', 0, 0) : 0);
}

function format(op, input, caret, inputType) {
  const packed = run(op, isString(input) ? input : '', isString(inputType) ? inputType : '',
    typeof caret === 'number' ? caret : NaN, 0);
  return { value: packed.slice(1), caret: packed.charCodeAt(0) };
}

export function formatNumber(input, caret, inputType) {
  return format(FORMAT_NUMBER, input, caret, inputType);
}

export function formatExpiry(input, caret, inputType) {
  return format(FORMAT_EXPIRY, input, caret, inputType);
}

// setBinTable: the JS table is read and checked here with the full module's rules and
// messages (malformed_table, invalid_mode), then passed brand by brand; card-core checks the
// rest (BinTable::apply) and the table changes all at once or not at all.

function tableError(code, message) {
  const error = new Error(`${code}: ${message}`);
  error.name = 'BinTableError';
  error.code = code;
  return error;
}

/** `obj[key]`, or undefined when null or unreadable (a throwing getter), as Reflect.get is read. */
function optional(obj, key) {
  try {
    const value = obj[key];
    return value === null ? undefined : value;
  } catch {
    return undefined;
  }
}

const BRAND_KEYS = ['id', 'name', 'paylineType', 'ranges', 'lengths', 'gaps', 'cvvLength',
  'cvvRequired', 'luhn', 'coBadge'];

/** An object (not an array, not a primitive) whose own keys are all in `allowed`, or throws. */
function plainObject(value, allowed, what) {
  if (!(value instanceof Object) || Array.isArray(value)) {
    throw tableError('malformed_table', `${what} must be an object`);
  }
  const key = Object.keys(value).find((k) => !allowed.includes(k));
  if (key !== undefined) {
    // Rust strings hold no lone surrogate: they read as U+FFFD there, so here too.
    const shown = Array.from(key.toWellFormed ? key.toWellFormed() : key).slice(0, 32).join('');
    throw tableError('malformed_table', `${what} has an unknown field '${shown}'`);
  }
}

/** One brand of the table, read in the full module's order (so the same error comes first). */
function readBrand(brand, at) {
  plainObject(brand, BRAND_KEYS, at);
  const bad = (field, what) => tableError('malformed_table', `${at}.${field} ${what}`);
  const typed = (field, type) => {
    const v = optional(brand, field);
    if (v !== undefined && typeof v !== type) throw bad(field, `must be a ${type}`);
    return v;
  };
  const int = (v, field) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
      throw bad(field, 'must hold integers 0-255');
    }
    return v;
  };
  // An array's items by index up to its length, as js-sys reads one.
  const list = (field, item) => {
    const v = optional(brand, field);
    if (v === undefined) return v;
    if (!Array.isArray(v)) throw bad(field, 'must be an array');
    const items = [];
    for (let i = 0; i < v.length; i += 1) items.push(item(v[i]));
    return items;
  };
  // Numbers travel as one character each (0-255).
  const ints = (field) => list(field, (n) => String.fromCharCode(int(n, field)))?.join('');
  const ranges = list('ranges', (r) => {
    if (!isString(r)) throw bad('ranges', 'must hold strings');
    return r;
  }) ?? [];
  const id = typed('id', 'string');
  if (id === undefined) throw bad('id', 'is required');
  const fields = [typed('name', 'string'), typed('paylineType', 'string'), ints('lengths'), ints('gaps')];
  const cvvLength = optional(brand, 'cvvLength');
  // Option bits: see pack::opt in src/pack.rs.
  let options = cvvLength === undefined ? 0 : 1 | (int(cvvLength, 'cvvLength') << 8);
  ['cvvRequired', 'luhn', 'coBadge'].forEach((field, k) => {
    const v = typed(field, 'boolean');
    if (v !== undefined) options |= (2 << k) | (v ? 32 << k : 0);
  });
  return { id, fields, ranges, options };
}

export function setBinTable(table, options) {
  let replace = false;
  if (options !== undefined && options !== null) {
    const mode = optional(options, 'mode');
    if (mode !== undefined && mode !== 'extend' && mode !== 'replace') {
      throw tableError('invalid_mode', "mode must be 'extend' or 'replace'");
    }
    replace = mode === 'replace';
  }
  plainObject(table, ['brands'], 'the table');
  const brands = optional(table, 'brands');
  if (brands === undefined) throw tableError('malformed_table', "the table needs 'brands'");
  if (!Array.isArray(brands)) throw tableError('malformed_table', "'brands' must be an array");
  const specs = [];
  for (let i = 0; i < brands.length; i += 1) specs.push(readBrand(brands[i], `brands[${i}]`));
  for (const spec of specs) {
    run(BRAND, spec.id, '', spec.options, 0);
    spec.fields.forEach((text, field) => {
      if (text !== undefined) run(FIELD, text, '', field, 0);
    });
    for (const r of spec.ranges) run(RANGE, r, '', 0, 0);
  }
  const error = run(APPLY, '', '', replace ? 1 : 0, 0);
  if (error) {
    const code = error.slice(0, error.indexOf(':'));
    throw tableError(code, error.slice(code.length + 2));
  }
  brandList = null;
}
