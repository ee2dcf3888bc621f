// Shortens the names under which the .wasm imports its JavaScript glue functions.
//
// wasm-bindgen names each import `__wbg_<name>_<16 hex digits>` under the module
// "./card_capture_bg.js": about 150 imports, 7 KB of the .wasm and as much again in the glue,
// where the same names are the keys of the imports object. Import names are only a contract
// between the two files we ship together, so both are renamed to short ones ("a", "b", …).
// The import section layout is the WebAssembly Core Specification §5.5.5: a vector of
// (module name, field name, import description) entries.

const IMPORT_SECTION = 2;
const MODULE = 'a';

function readU32(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    result |= (byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [result >>> 0, pos];
    shift += 7;
    if (shift > 28) throw new Error('import rename: LEB128 too long');
  }
}

function u32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

function name(str) {
  const bytes = Buffer.from(str, 'utf8');
  return Buffer.concat([u32(bytes.length), bytes]);
}

// Skips one import description (§5.5.5 importdesc), returning the position after it.
function skipDesc(buf, pos) {
  const kind = buf[pos++];
  const limits = (p) => {
    const flags = buf[p++];
    [, p] = readU32(buf, p);
    if (flags & 1) [, p] = readU32(buf, p);
    return p;
  };
  switch (kind) {
    case 0: return readU32(buf, pos)[1]; // func: typeidx
    case 1: return limits(pos + 1); // table: reftype, limits
    case 2: return limits(pos); // memory: limits
    case 3: return pos + 2; // global: valtype, mut
    case 4: return readU32(buf, pos + 1)[1]; // tag: attribute, typeidx
    default: throw new Error(`import rename: unknown import kind ${kind}`);
  }
}

function shortName(i) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  do {
    s += letters[i % letters.length];
    i = Math.floor(i / letters.length);
  } while (i);
  return s;
}

/**
 * Renames every import of `moduleName` in `wasm`. Returns the new bytes, the new module name
 * and the map old field name → new field name.
 */
export function renameImports(wasm, moduleName) {
  let pos = 8; // magic + version
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, body] = readU32(wasm, pos + 1);
    if (id !== IMPORT_SECTION) {
      pos = body + size;
      continue;
    }
    const map = new Map();
    const parts = [];
    let [count, p] = readU32(wasm, body);
    parts.push(u32(count));
    for (let i = 0; i < count; i++) {
      let len;
      [len, p] = readU32(wasm, p);
      const mod = wasm.subarray(p, p + len).toString('utf8');
      p += len;
      [len, p] = readU32(wasm, p);
      const field = wasm.subarray(p, p + len).toString('utf8');
      p += len;
      const descEnd = skipDesc(wasm, p);
      if (mod === moduleName) {
        if (!map.has(field)) map.set(field, shortName(map.size));
        parts.push(name(MODULE), name(map.get(field)));
      } else {
        parts.push(name(mod), name(field));
      }
      parts.push(wasm.subarray(p, descEnd));
      p = descEnd;
    }
    if (p !== body + size) throw new Error('import rename: import section has trailing bytes');
    const section = Buffer.concat(parts);
    const bytes = Buffer.concat([
      wasm.subarray(0, pos), Buffer.from([IMPORT_SECTION]), u32(section.length), section,
      wasm.subarray(body + size),
    ]);
    return { bytes, module: MODULE, map };
  }
  return { bytes: wasm, module: moduleName, map: new Map() };
}

/**
 * Applies the renaming to wasm-bindgen glue: each import is one `name: function(` key of the
 * imports object and the module one `"<module>": import0` entry. Anything else fails the build
 * rather than shipping glue that no longer matches the .wasm.
 */
export function renameGlue(glue, moduleName, renamed) {
  let text = glue;
  for (const [from, to] of renamed.map) {
    const key = new RegExp(`^(\\s+)${from}: function\\(`, 'm');
    if (!key.test(text) || text.split(from).length !== 2) {
      throw new Error(`import rename: ${from} is not exactly one imports-object key in the glue`);
    }
    text = text.replace(key, `$1${to}: function(`);
  }
  const entry = `${JSON.stringify(moduleName)}: import0`;
  if (text.split(entry).length !== 2) {
    throw new Error(`import rename: the glue has no single ${entry} entry`);
  }
  return text.replace(entry, `${JSON.stringify(renamed.module)}: import0`);
}
