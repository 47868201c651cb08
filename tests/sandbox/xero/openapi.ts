// Validates sandbox responses against Xero's official OpenAPI 3.0 documents in ../shared/specs/xero with ajv.
// OpenAPI 3.0 schemas are not quite JSON Schema: `nullable` becomes a null-admitting type, examples are dropped,
// and the OpenAPI-only formats are accepted as annotations. Xero's identity timestamps carry no zone
// ("2019-12-07T18:46:19.5165400", the spec's own example), so `date-time` accepts an optional offset.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const XERO_SPECS_DIR = path.resolve(repoRoot, '../shared/specs/xero');
export const xeroSpecsAvailable = existsSync(path.join(XERO_SPECS_DIR, 'xero_accounting.yaml'));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };
/** The parts of an OpenAPI document `pointer` walks through: an operation's responses, each a body or a `$ref` to one. */
interface ResponseObject {
  $ref?: string;
  content?: JsonObject;
}
type Paths = Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;

const DROPPED = new Set(['example', 'examples', 'discriminator', 'xml', 'externalDocs']);
const NAME_MAPS = new Set(['properties', 'patternProperties', 'paths', 'schemas', 'responses', 'parameters', 'requestBodies', 'headers', 'content', 'securitySchemes', 'callbacks', 'links']);

export function openApiToJsonSchema(node: Json, mapOfNames = false): Json {
  if (Array.isArray(node)) return node.map((n) => openApiToJsonSchema(n));
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    if (!mapOfNames && DROPPED.has(k)) continue;
    out[k] = openApiToJsonSchema(v, NAME_MAPS.has(k) && !mapOfNames);
  }
  if (mapOfNames) return out;
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  } else if (out.nullable === false) {
    delete out.nullable;
  }
  return out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export class XeroSpecValidator {
  private readonly ajv: Ajv;
  private readonly docs = new Map<string, JsonObject>();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'decimal']) this.ajv.addFormat(f, true);
    this.ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/i);
  }

  private doc(file: string): JsonObject {
    let doc = this.docs.get(file);
    if (!doc) {
      doc = openApiToJsonSchema(parse(readFileSync(path.join(XERO_SPECS_DIR, file), 'utf8')) as Json) as JsonObject;
      this.ajv.addSchema({ ...doc, $id: `xero:${file}` }, `xero:${file}`);
      this.docs.set(file, doc);
    }
    return doc;
  }

  private pointer(file: string, specPath: string, method: string, status: number): string {
    const doc = this.doc(file);
    const op = (doc.paths as Paths | undefined)?.[specPath]?.[method.toLowerCase()];
    if (!op) throw new Error(`${file}: no operation ${method} ${specPath}`);
    const key = op.responses[String(status)] ? String(status) : op.responses.default ? 'default' : null;
    if (!key) throw new Error(`${file}: ${method} ${specPath} documents no ${status} response`);
    let response: ResponseObject | undefined = op.responses[key]!;
    let base = `/paths/${esc(specPath)}/${method.toLowerCase()}/responses/${key}`;
    if (response.$ref) {
      base = String(response.$ref).slice(1);
      response = base.split('/').slice(1).reduce<unknown>((n, p) => (n as Record<string, unknown> | null | undefined)?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], doc) as ResponseObject | undefined;
    }
    if (!response?.content?.['application/json']) throw new Error(`${file}: ${method} ${specPath} ${status} has no JSON body`);
    return `${base}/content/application~1json/schema`;
  }

  /** Readable errors (empty when the body conforms). */
  validateResponse(file: string, specPath: string, method: string, status: number, body: unknown): string[] {
    const ptr = this.pointer(file, specPath, method, status);
    const key = `${file}#${ptr}`;
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `xero:${file}#${ptr}` });
      this.cache.set(key, fn);
    }
    if (fn(body)) return [];
    return (fn.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}

function esc(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}
