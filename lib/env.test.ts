import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EnvError, parseEnv } from './env';

const valid = {
  BIGCOMMERCE_CLIENT_ID: 'id',
  BIGCOMMERCE_CLIENT_SECRET: 'secret',
  TOKEN_ENCRYPTION_KEY: '0'.repeat(64),
  SESSION_SECRET: 's'.repeat(32),
};

describe('environment', () => {
  it('applies defaults that point at the real BigCommerce', () => {
    const env = parseEnv(valid);
    expect(env.BIGCOMMERCE_LOGIN_URL).toBe('https://login.bigcommerce.com');
    expect(env.BIGCOMMERCE_API_URL).toBe('https://api.bigcommerce.com');
    expect(env.sandboxOrigin).toBeNull();
    expect(env.requiredScopes).toContain('store_v2_orders');
    // Refunds and transactions are read to book refunds.
    expect(env.requiredScopes).toContain('store_v2_transactions_read_only');
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('names every missing or malformed variable in one message', () => {
    let message = '';
    try {
      parseEnv({ TOKEN_ENCRYPTION_KEY: 'short', SESSION_SECRET: 's'.repeat(32) });
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/BIGCOMMERCE_CLIENT_ID: is required but not set/);
    expect(message).toMatch(/BIGCOMMERCE_CLIENT_SECRET: is required but not set/);
    expect(message).toMatch(/TOKEN_ENCRYPTION_KEY: must be 64 hex characters/);
    expect(message).not.toMatch(/SESSION_SECRET/);
  });

  it('treats an empty string as unset', () => {
    expect(() => parseEnv({ ...valid, BIGCOMMERCE_CLIENT_ID: '' })).toThrow(/BIGCOMMERCE_CLIENT_ID/);
  });

  it('takes a support link that is an https page or a mailto address, nothing else', () => {
    expect(parseEnv(valid).SUPPORT_URL).toBe('mailto:support@ledgerbridge.example');
    expect(parseEnv({ ...valid, SUPPORT_URL: 'https://help.agency.example/ledgerbridge' }).SUPPORT_URL).toBe('https://help.agency.example/ledgerbridge');
    for (const bad of ['javascript:alert(1)', 'http://help.example', 'help.example']) {
      expect(() => parseEnv({ ...valid, SUPPORT_URL: bad }), bad).toThrow(/SUPPORT_URL: must be an https:\/\/ page or a mailto: address/);
    }
  });

  it('recognises a sandbox control panel', () => {
    const env = parseEnv({ ...valid, BIGCOMMERCE_LOGIN_URL: 'http://localhost:4100' });
    expect(env.sandboxOrigin).toBe('http://localhost:4100');
  });
});

describe('Inngest settings', () => {
  it('require signing and event keys in production', () => {
    expect(() => parseEnv({ ...valid, NODE_ENV: 'production' })).toThrow(/INNGEST_SIGNING_KEY: is required in production[\s\S]*INNGEST_EVENT_KEY/);
    expect(() => parseEnv({ ...valid, NODE_ENV: 'production', INNGEST_EVENT_KEY: 'k' })).toThrow(/INNGEST_SIGNING_KEY: is required in production/);
    expect(() => parseEnv({ ...valid, NODE_ENV: 'production', INNGEST_SIGNING_KEY: 'signkey-prod-1', INNGEST_EVENT_KEY: 'k' })).not.toThrow();
    expect(() =>
      parseEnv({ ...valid, NODE_ENV: 'production', INNGEST_SIGNING_KEY: 'signkey-prod-1', INNGEST_EVENT_KEY: 'k', INNGEST_BASE_URL: 'http://inngest.internal:8288' }),
    ).not.toThrow();
    expect(() => parseEnv(valid)).not.toThrow();
  });

  it("refuse in production every secret published in .env.example and the demo, whatever variable holds it", () => {
    const prod = { ...valid, NODE_ENV: 'production', INNGEST_SIGNING_KEY: 'signkey-prod-1', INNGEST_EVENT_KEY: 'k' };
    const example = Object.fromEntries(
      readFileSync(path.resolve(import.meta.dirname, '../.env.example'), 'utf8')
        .split('\n')
        .map((line) => /^([A-Z][A-Z0-9_]*(?:SECRET|KEY))=(\S+)$/.exec(line.trim()))
        .flatMap((m) => (m ? [[m[1]!, m[2]!]] : [])),
    );
    expect(Object.keys(example)).toEqual(expect.arrayContaining(['BIGCOMMERCE_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEY', 'SESSION_SECRET']));
    for (const [name, value] of Object.entries(example)) {
      expect(() => parseEnv({ ...prod, [name]: value }), name).toThrow(new RegExp(`${name}: is a published demo value`));
    }
    expect(() => parseEnv({ ...prod, XERO_CLIENT_SECRET: 'ledgerbridge-xero-demo-secret' })).toThrow(/XERO_CLIENT_SECRET: is a published demo value/);
    expect(() => parseEnv({ ...valid, ...example })).not.toThrow();
    expect(() => parseEnv(prod)).not.toThrow();
  });

  it('refuse INNGEST_DEV in production, even beside a signing key: dev mode checks no signature', () => {
    expect(() => parseEnv({ ...valid, NODE_ENV: 'production', INNGEST_DEV: 'http://127.0.0.1:8288' })).toThrow(EnvError);
    expect(() => parseEnv({ ...valid, NODE_ENV: 'production', INNGEST_DEV: '1', INNGEST_SIGNING_KEY: 'signkey-prod-1', INNGEST_EVENT_KEY: 'k' })).toThrow(
      /INNGEST_DEV: must not be set in production/,
    );
    // Development and tests keep using a dev server (or the local stand-in).
    expect(() => parseEnv({ ...valid, NODE_ENV: 'development', INNGEST_DEV: 'http://127.0.0.1:8288' })).not.toThrow();
  });
});
