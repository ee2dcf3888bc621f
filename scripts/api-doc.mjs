#!/usr/bin/env node
// npm run docs:api: docs/api.md, the payment server's API reference, written from its OpenAPI
// document (crates/payment-server/openapi.json, served at /openapi.json; the payment server's
// `openapi_lists_every_route` test holds it to the routes). `--check` writes nothing and fails
// when docs/api.md differs from what this script would write (tests/e2e/guide.test.mjs runs it).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib/files.mjs';

export const OPENAPI = path.join(ROOT, 'crates', 'payment-server', 'openapi.json');
export const API_DOC = path.join(ROOT, 'docs', 'api.md');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
// The order sections appear in: what a shop integrates first, first.
const TAG_ORDER = ['checkout', '3ds', 'back office', 'customers', 'schedules', 'hosted', 'gateway', 'ops',
  'demo back office'];

/** `#/components/schemas/Session` → `Session`. */
const refName = (ref) => ref.split('/').pop();
const anchor = (text) => text.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/ /g, '-');
/** Table cells hold no pipe nor newline (GitHub Flavored Markdown tables, §4.10). */
const cell = (text) => String(text ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** A schema as a short type expression, linking named schemas. */
function typeOf(schema) {
  if (!schema) return '';
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return `[${name}](#${anchor(`schema ${name}`)})`;
  }
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  if (schema.oneOf) return schema.oneOf.map(typeOf).join(' or ');
  if (schema.allOf) return schema.allOf.map(typeOf).join(' and ');
  if (schema.type === 'array') return `array of ${typeOf(schema.items)}`;
  const extras = [];
  if (schema.format) extras.push(schema.format);
  if (schema.minimum !== undefined) extras.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) extras.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) extras.push(`length ≥ ${schema.minLength}`);
  if (schema.maxLength !== undefined) extras.push(`length ≤ ${schema.maxLength}`);
  if (schema.pattern) extras.push(`\`${schema.pattern}\``);
  const base = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  return extras.length ? `${base} (${extras.join(', ')})` : base;
}

/** The rows of an object schema's properties. */
function propertyRows(schema) {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    let desc = prop.description ?? '';
    if (prop.default !== undefined) desc = `${desc}${desc ? ' ' : ''}(default \`${JSON.stringify(prop.default)}\`)`;
    if (prop.type === 'object' && prop.properties) {
      desc = `${desc}${desc ? '; ' : ''}fields: ${Object.entries(prop.properties).map(([n, p]) => `\`${n}\` ${typeOf(p)}`).join(', ')}`;
    }
    return `| \`${name}\` | ${cell(typeOf(prop))} | ${required.has(name) ? 'yes' : ''} | ${cell(desc)} |`;
  });
}

function responseLine(doc, status, response) {
  const resolved = response.$ref ? doc.components.responses[refName(response.$ref)] : response;
  const schema = Object.values(resolved.content ?? {})[0]?.schema;
  const body = schema ? ` ${typeOf(schema)}` : '';
  const note = response.$ref ? '' : (resolved.description && resolved.description !== 'OK' ? ` — ${resolved.description}` : '');
  return `\`${status}\`${body}${note}`;
}

function operation(doc, method, route, op) {
  const lines = [`### \`${method.toUpperCase()} ${route}\``, '', op.summary ?? '', ''];
  if (op.description) lines.push(op.description, '');
  const security = (op.security ?? []).flatMap((s) => Object.keys(s));
  const schemes = doc.components.securitySchemes ?? {};
  lines.push(`**Authorization:** ${security.length
    ? security.map((s) => `Bearer ${schemes[s]?.description ?? s}`).join(', or ')
    : 'none'}`, '');
  if (op.parameters?.length) {
    lines.push('| parameter | in | type | required | |', '|---|---|---|---|---|');
    for (const p of op.parameters) {
      lines.push(`| \`${p.name}\` | ${p.in} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : ''} | ${cell(p.description)} |`);
    }
    lines.push('');
  }
  if (op.requestBody) {
    const [type, media] = Object.entries(op.requestBody.content)[0];
    const schema = media.schema;
    if (schema.$ref) {
      lines.push(`**Body** (\`${type}\`): ${typeOf(schema)}`, '');
    } else {
      lines.push(`**Body** (\`${type}\`):`, '', '| field | type | required | |', '|---|---|---|---|', ...propertyRows(schema), '');
    }
  }
  lines.push('**Responses:**', '');
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    lines.push(`- ${responseLine(doc, status, response)}`);
  }
  lines.push('');
  return lines;
}

/** docs/api.md's text for the OpenAPI document `doc`. */
export function render(doc) {
  const out = [
    `# payment-server API reference (${doc.info.version})`,
    '',
    '<!-- Written by `npm run docs:api` from crates/payment-server/openapi.json: edit that file, not this one. -->',
    '',
    doc.info.description,
    '',
    'The same document is served by the running server at `GET /openapi.json` (OpenAPI',
    `${doc.openapi}). Errors are \`{"error": {"code", "message"}}\` ([Error](#schema-error)).`,
    '',
  ];
  const byTag = new Map();
  for (const [route, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      if (!item[method]) continue;
      const tag = item[method].tags?.[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([method, route, item[method]]);
    }
  }
  const tags = [...byTag.keys()].sort((a, b) => {
    const rank = (t) => (TAG_ORDER.includes(t) ? TAG_ORDER.indexOf(t) : TAG_ORDER.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  out.push('## Contents', '');
  for (const tag of tags) {
    const n = byTag.get(tag).length;
    out.push(`- [${tag}](#${anchor(tag)}): ${n} operation${n === 1 ? '' : 's'}`);
  }
  out.push(`- [Schemas](#schemas): ${Object.keys(doc.components.schemas).length}`, '');
  for (const tag of tags) {
    out.push(`## ${tag}`, '');
    for (const [method, route, op] of byTag.get(tag)) out.push(...operation(doc, method, route, op));
  }
  out.push('## Schemas', '');
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    out.push(`### Schema ${name}`, '');
    if (schema.description) out.push(schema.description, '');
    if (schema.properties) {
      out.push('| field | type | required | |', '|---|---|---|---|', ...propertyRows(schema), '');
    } else {
      out.push(`${typeOf(schema)}`, '');
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function main() {
  const text = render(JSON.parse(fs.readFileSync(OPENAPI, 'utf8')));
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(API_DOC) ? fs.readFileSync(API_DOC, 'utf8') : '';
    if (current !== text) {
      console.error('docs/api.md is out of date with crates/payment-server/openapi.json: run `npm run docs:api`');
      process.exitCode = 1;
    }
    return;
  }
  fs.writeFileSync(API_DOC, text);
  console.log(`docs/api.md written (${text.length} characters)`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main();
