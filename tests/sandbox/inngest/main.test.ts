import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

it('the CLI prints its URL, serves the API and stops cleanly on SIGTERM', async () => {
  const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), [path.join(import.meta.dirname, 'main.ts')], {
    env: { ...process.env, INNGEST_STANDIN_PORT: '0', INNGEST_STANDIN_QUIET: '1', APP_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
  const health = (await (await fetch(`${url}/health`)).json()) as { name: string };
  expect(health.name).toBe('inngest-standin');
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  expect(await exit).toBe(0);
}, 30_000);
