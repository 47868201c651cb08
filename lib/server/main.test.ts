import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '@/tests/integration/support/sync-app-child';

const root = path.resolve(import.meta.dirname, '..', '..');
const validEnv = {
  PATH: process.env.PATH ?? '',
  BIGCOMMERCE_CLIENT_ID: 'id',
  BIGCOMMERCE_CLIENT_SECRET: 'secret',
  TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
  SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
  INNGEST_SIGNING_KEY: `signkey-test-${'ab'.repeat(32)}`,
  INNGEST_EVENT_KEY: 'an-event-key',
};

/** `npm start` with bad input fails at once with one line saying why, before Next or the database is touched. */
function start(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'lib/server/main.ts', ...args], { cwd: root, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('the production server refuses to start on bad input', () => {
  it('an unknown option', () => {
    const { status, stderr } = start(['--bogus'], validEnv);
    expect(status).toBe(1);
    expect(stderr).toContain("ledgerbridge: the server could not start: Unknown option '--bogus'");
  });

  it('a port that is not one', () => {
    const { status, stderr } = start(['--port', 'eighty'], validEnv);
    expect(status).toBe(1);
    expect(stderr).toContain('--port must be a port number, not eighty');
  });

  it('INNGEST_DEV, named: in dev mode /api/inngest would check no signature', () => {
    const { status, stderr } = start([], { ...validEnv, INNGEST_DEV: 'http://127.0.0.1:8288' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/could not start: Invalid environment configuration[\s\S]*INNGEST_DEV: must not be set in production/);
  });

  it('no Inngest signing key, named', () => {
    const { status, stderr } = start([], { ...validEnv, INNGEST_SIGNING_KEY: '' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/could not start: Invalid environment configuration[\s\S]*INNGEST_SIGNING_KEY: is required in production/);
  });

  it('several processes on the embedded database: it belongs to one process', () => {
    const { status, stderr } = start([], { ...validEnv, WEB_CONCURRENCY: '2' });
    expect(status).toBe(1);
    expect(stderr).toContain('could not start: WEB_CONCURRENCY=2 needs DATABASE_URL');
  });

  it('a missing setting, named', () => {
    const { status, stderr } = start([], { PATH: validEnv.PATH });
    expect(status).toBe(1);
    expect(stderr).toMatch(/could not start: Invalid environment configuration[\s\S]*TOKEN_ENCRYPTION_KEY: is required but not set/);
  });
});

describe('one set of node flags for the server', () => {
  it('npm start, the container image and the benchmarks run lib/server/main.ts with the same flags', () => {
    const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} --import tsx lib/server/main.ts`);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...SERVER_NODE_FLAGS, '--import', 'tsx', 'lib/server/main.ts']);
  });
});
