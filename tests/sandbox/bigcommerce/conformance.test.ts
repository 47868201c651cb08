// Conformance: a response of every implemented route validates against the official OpenAPI documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecValidator, SPECS_DIR, specsAvailable, openApiToJsonSchema } from './openapi';
import { startBigCommerceSandbox, type BigCommerceSandbox } from './server';

if (!specsAvailable) console.warn(`[conformance] skipped: ${SPECS_DIR} is absent (needs /work/shared)`);

describe('openApiToJsonSchema', () => {
  it('turns nullable into a null-admitting type and keeps property names that look like keywords', () => {
    expect(openApiToJsonSchema({ type: 'string', nullable: true, example: 'x' })).toEqual({ type: ['string', 'null'] });
    expect(openApiToJsonSchema({ $ref: '#/a', nullable: true })).toEqual({ anyOf: [{ $ref: '#/a' }, { type: 'null' }] });
    expect(openApiToJsonSchema({ properties: { example: { type: 'integer' } } })).toEqual({
      properties: { example: { type: 'integer' } },
    });
  });
});

describe.skipIf(!specsAvailable)('conformance with specs/bigcommerce', () => {
  let sandbox: BigCommerceSandbox;
  let token: string;
  let hash: string;
  const specs = new SpecValidator();

  beforeAll(async () => {
    sandbox = await startBigCommerceSandbox({
      port: 0,
      apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1' }],
    });
    const p = sandbox.platform;
    const store = p.createStore({ plan: 'plus', currency: 'EUR', tax_inclusive: true });
    hash = store.hash;
    const code = p.mintCode(store, p.app(), 'store_v2_information_read_only store_v2_orders store_v2_products store_v2_customers store_inventory store_v2_transactions', store.owner_id);
    token = p.issueAppToken(code).token.token;
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  async function get(path: string) {
    const res = await fetch(`${sandbox.url}/stores/${hash}${path}`, { headers: { 'x-auth-token': token } });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  it('GET /v2/store', async () => {
    const res = await get('/v2/store');
    expect(res.status).toBe(200);
    expect(specs.validateResponse('store_information.v2.yml', '/store', 'get', 200, res.body)).toEqual([]);
  });

  it('GET /v2/time', async () => {
    const res = await get('/v2/time');
    expect(specs.validateResponse('store_information.v2.yml', '/time', 'get', 200, res.body)).toEqual([]);
  });

  it('the validator catches a wrong type (so the checks above can fail)', async () => {
    const res = await get('/v2/store');
    const broken = { ...(res.body as Record<string, unknown>), decimal_places: '2' };
    expect(specs.validateResponse('store_information.v2.yml', '/store', 'get', 200, broken)).not.toEqual([]);
  });
});
