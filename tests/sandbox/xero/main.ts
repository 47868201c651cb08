// Standalone Xero sandbox (`npx tsx tests/sandbox/xero/main.ts`), for poking at it without the BigCommerce
// sandbox. `npm run sandbox` serves the same handler under /xero on the BigCommerce sandbox's port.
import { z } from 'zod';
import { startXeroSandbox } from './server';

const settings = z
  .object({
    XERO_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4200),
    XERO_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
    XERO_CLIENT_ID: z.string().min(1).default('ledgerbridge-xero-demo-client'),
    XERO_CLIENT_SECRET: z.string().min(1).default('ledgerbridge-xero-demo-secret'),
    XERO_REDIRECT_URI: z.url().default('http://localhost:3000/api/connections/xero/callback'),
    SANDBOX_TIME_SCALE: z.coerce.number().positive().default(1),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== '')));
if (!settings.success) {
  console.error(`Invalid Xero sandbox settings:\n${settings.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  process.exit(1);
}
const cfg = settings.data;
const started = await startXeroSandbox({
  port: cfg.XERO_SANDBOX_PORT,
  host: cfg.XERO_SANDBOX_HOST,
  timeScale: cfg.SANDBOX_TIME_SCALE,
  clients: [{ clientId: cfg.XERO_CLIENT_ID, clientSecret: cfg.XERO_CLIENT_SECRET, redirectUris: [cfg.XERO_REDIRECT_URI], name: 'Ledgerbridge' }],
});
console.log(`Xero sandbox: ${started.url}/xero (admin: ${started.url}/__sandbox/xero)`);
const stop = () => void started.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
