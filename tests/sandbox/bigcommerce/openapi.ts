// Validates sandbox responses (and request bodies) against the official BigCommerce OpenAPI 3.0 documents in
// ../shared/specs/bigcommerce with ajv. OpenAPI 3.0 schemas are not quite JSON Schema: `nullable` is turned into
// a null-admitting type, and the OpenAPI-only numeric formats are accepted as annotations.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const SPECS_DIR = path.resolve(repoRoot, '../shared/specs/bigcommerce');
export const specsAvailable = existsSync(SPECS_DIR);

const DROPPED_KEYWORDS = new Set(['example', 'examples', 'discriminator', 'xml', 'externalDocs']);
/** Keywords whose object keys are names (properties, paths...), not keywords. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'paths', 'schemas', 'responses', 'parameters', 'requestBodies', 'headers', 'content', 'definitions', 'securitySchemes', 'callbacks', 'links']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The parts of an OpenAPI document the pointers below walk through (a response, or a request body, or a `$ref` to one). */
interface BodyHolder {
  $ref?: string;
  content?: { [mediaType: string]: Json };
}
interface Operation {
  responses: Record<string, BodyHolder>;
  requestBody?: BodyHolder;
}
type Paths = Record<string, Record<string, Operation>>;

/** Rewrites OpenAPI 3.0 schema dialect into JSON Schema draft-07 that ajv understands. */
export function openApiToJsonSchema(node: Json, mapOfNames = false): Json {
  if (Array.isArray(node)) return node.map((n) => openApiToJsonSchema(n));
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) {
    // Examples are data, not schema: drop them (except where the key is a property or path name).
    if (!mapOfNames && DROPPED_KEYWORDS.has(k)) continue;
    // The BigCommerce documents use oneOf where the branches overlap (e.g. an order's `consignments` is a
    // resource link or the embedded object, and neither branch forbids the other's fields), which no value can
    // satisfy exactly once; read oneOf as anyOf, as most OpenAPI tooling does.
    out[!mapOfNames && k === 'oneOf' ? 'anyOf' : k] = openApiToJsonSchema(v, NAME_MAPS.has(k) && !mapOfNames);
  }
  if (mapOfNames) return out;
  // OpenAPI 3.0 (draft-04 style) exclusive bounds are booleans next to minimum/maximum.
  for (const [flag, bound] of [['exclusiveMaximum', 'maximum'], ['exclusiveMinimum', 'minimum']] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else {
        delete out[flag];
      }
    }
  }
  // Some documents still carry Swagger 2's `x-nullable`; it means the same as `nullable`.
  if (out['x-nullable'] === true) {
    delete out['x-nullable'];
    out.nullable = true;
  }
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

export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly docs = new Map<string, { [k: string]: Json }>();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password', 'decimal', 'url', 'ISO-8601', 'date-time-rfc2822']) {
      this.ajv.addFormat(f, true);
    }
  }

  private doc(file: string): { [k: string]: Json } {
    let doc = this.docs.get(file);
    if (!doc) {
      const raw = parse(readFileSync(path.join(SPECS_DIR, file), 'utf8')) as Json;
      doc = openApiToJsonSchema(raw) as { [k: string]: Json };
      // ajv resolves `#/components/...` inside this document once it is registered under an $id.
      this.ajv.addSchema({ ...doc, $id: `spec:${file}` } as object, `spec:${file}`);
      this.docs.set(file, doc);
    }
    return doc;
  }

  /** JSON pointer of the response schema for an operation, e.g. ('orders.v2.oas2.yml', '/orders/{order_id}', 'get', 200). */
  responsePointer(file: string, specPath: string, method: string, status: number): string {
    const doc = this.doc(file);
    const op = (doc.paths as Paths | undefined)?.[specPath]?.[method.toLowerCase()];
    if (!op) throw new Error(`${file}: no operation ${method.toUpperCase()} ${specPath}`);
    const responses = op.responses;
    const key = responses[String(status)] ? String(status) : responses.default ? 'default' : null;
    if (!key) throw new Error(`${file}: ${method.toUpperCase()} ${specPath} documents no ${status} response`);
    let response = responses[key]!;
    let base = `/paths/${escape(specPath)}/${method.toLowerCase()}/responses/${key}`;
    if (response.$ref) {
      base = (response.$ref as string).slice(1);
      response = pointerGet(doc, base) as BodyHolder;
    }
    const content = response.content as Record<string, unknown> | undefined;
    const mediaType = content && (content['application/json'] ? 'application/json' : Object.keys(content)[0]);
    if (!mediaType) throw new Error(`${file}: ${method.toUpperCase()} ${specPath} ${status} has no body schema`);
    return `${base}/content/${escape(mediaType)}/schema`;
  }

  requestPointer(file: string, specPath: string, method: string): string {
    const doc = this.doc(file);
    const op = (doc.paths as Paths | undefined)?.[specPath]?.[method.toLowerCase()];
    if (!op) throw new Error(`${file}: no operation ${method.toUpperCase()} ${specPath}`);
    let body = op.requestBody;
    let base = `/paths/${escape(specPath)}/${method.toLowerCase()}/requestBody`;
    if (body?.$ref) {
      base = (body.$ref as string).slice(1);
      body = pointerGet(doc, base) as BodyHolder | undefined;
    }
    if (!body?.content?.['application/json']) throw new Error(`${file}: ${method} ${specPath} has no JSON request body`);
    return `${base}/content/application~1json/schema`;
  }

  private validator(file: string, pointer: string): ValidateFunction {
    const key = `${file}#${pointer}`;
    let fn = this.cache.get(key);
    if (!fn) {
      this.doc(file);
      fn = this.ajv.compile({ $ref: `spec:${file}#${pointer}` });
      this.cache.set(key, fn);
    }
    return fn;
  }

  /** Validates a response body; returns readable error strings (empty when valid). */
  validateResponse(file: string, specPath: string, method: string, status: number, body: unknown): string[] {
    return this.run(this.validator(file, this.responsePointer(file, specPath, method, status)), body);
  }

  validateRequest(file: string, specPath: string, method: string, body: unknown): string[] {
    return this.run(this.validator(file, this.requestPointer(file, specPath, method)), body);
  }

  /** Validates against a named component schema (e.g. webhook payloads). */
  validateComponent(file: string, name: string, body: unknown): string[] {
    return this.run(this.validator(file, `/components/schemas/${escape(name)}`), body);
  }

  /** specs/bigcommerce/webhook-callbacks/ holds a document for this scope (e.g. store/order/created). */
  hasWebhookCallback(scope: string): boolean {
    return existsSync(path.join(SPECS_DIR, webhookCallbackFile(scope)));
  }

  /**
   * Validates a delivered webhook body against the scope's callback document. Those documents list a payload's
   * fields without `required` or `additionalProperties`, so read literally they accept `{}`; BigCommerce's examples
   * beside them (`data/<scope>.json`) carry exactly the listed fields. `closed` (the default) reads the document that
   * way: every listed field required, no other field allowed, at every level.
   */
  validateWebhookCallback(scope: string, body: unknown, options: { closed?: boolean } = {}): string[] {
    const closed = options.closed ?? true;
    const key = `callback:${scope}:${closed}`;
    let fn = this.cache.get(key);
    if (!fn) {
      const doc = parse(readFileSync(path.join(SPECS_DIR, webhookCallbackFile(scope)), 'utf8')) as { properties?: Record<string, Json> };
      const schema = doc.properties?.[scope];
      if (!schema) throw new Error(`${webhookCallbackFile(scope)} documents no payload named ${scope}`);
      const converted = openApiToJsonSchema(schema);
      fn = this.ajv.compile((closed ? closeObjects(converted) : converted) as object);
      this.cache.set(key, fn);
    }
    return this.run(fn, body);
  }

  private run(fn: ValidateFunction, body: unknown): string[] {
    if (fn(body)) return [];
    return (fn.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}

/** `store/order/created` → `webhook-callbacks/store_order_created.yml` (the upstream file naming). */
export function webhookCallbackFile(scope: string): string {
  return `webhook-callbacks/${scope.replace(/\//g, '_')}.yml`;
}

/** Every object schema that lists properties requires all of them and allows no others. */
export function closeObjects(node: Json): Json {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (node === null || typeof node !== 'object') return node;
  const out: { [k: string]: Json } = { ...node };
  const props = node.properties;
  if (props && typeof props === 'object' && !Array.isArray(props)) {
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, closeObjects(v)]));
    out.required = Object.keys(props);
    out.additionalProperties = false;
  }
  if (node.items !== undefined) out.items = closeObjects(node.items);
  return out;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerGet(doc: Json, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    node = (node as Record<string, unknown> | null | undefined)?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}
