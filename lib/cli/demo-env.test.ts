import { describe, expect, it } from 'vitest';
import { FROM_DEMO, parseDemoEnv, runningDemoEnv } from './demo-env';

const file = [
  '# Written by `npm run demo`.',
  'TOKEN_ENCRYPTION_KEY=' + 'ab'.repeat(32),
  'DEMO_PID=4242',
  'DATABASE_URL=postgres://postgres@127.0.0.1:5999/postgres',
  'BIGCOMMERCE_API_URL=http://localhost:4100',
].join('\n');
const read = () => file;

describe('the command line beside a running demo', () => {
  it('takes the running demo’s database, key and sandbox when its own environment names no database', () => {
    const added = runningDemoEnv({ PATH: '/bin' }, { read, alive: (pid) => pid === 4242, file: '/x/demo.env' });
    expect(added).toEqual({
      [FROM_DEMO]: '/x/demo.env',
      TOKEN_ENCRYPTION_KEY: 'ab'.repeat(32),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5999/postgres',
      BIGCOMMERCE_API_URL: 'http://localhost:4100',
    });
  });

  it('never overrides a value that is set', () => {
    const added = runningDemoEnv({ TOKEN_ENCRYPTION_KEY: 'cd'.repeat(32) }, { read, alive: () => true });
    expect(added.TOKEN_ENCRYPTION_KEY).toBeUndefined();
    expect(added.DATABASE_URL).toBeDefined();
  });

  it('takes nothing when the environment names a database, in production, when the demo stopped, or with no file', () => {
    expect(runningDemoEnv({ DATABASE_URL: 'postgres://elsewhere/db' }, { read, alive: () => true })).toEqual({});
    expect(runningDemoEnv({ PGLITE_DIR: '/data' }, { read, alive: () => true })).toEqual({});
    expect(runningDemoEnv({ NODE_ENV: 'production' }, { read, alive: () => true })).toEqual({});
    expect(runningDemoEnv({}, { read, alive: () => false })).toEqual({});
    expect(runningDemoEnv({}, { read: () => file.replace(/^DEMO_PID=.*$/m, ''), alive: () => true })).toEqual({});
    expect(
      runningDemoEnv({}, {
        read: () => {
          throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        },
      }),
    ).toEqual({});
  });

  it('reads KEY=value lines and skips comments', () => {
    expect(parseDemoEnv('# c\nA_B=1=2\n\nlower=x\n')).toEqual({ A_B: '1=2' });
  });
});
