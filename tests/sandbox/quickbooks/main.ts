// Standalone QuickBooks sandbox (`npx tsx tests/sandbox/quickbooks/main.ts`), for poking at it without the BigCommerce
// sandbox. `npm run sandbox` serves the same handler under /quickbooks on the BigCommerce sandbox's port.
import { z } from 'zod';
import { startQuickBooksSandbox } from './server';

const settings = z
  .object({
    QUICKBOOKS_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4300),
    QUICKBOOKS_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
    QUICKBOOKS_CLIENT_ID: z.string().min(1).default('ledgerbridge-quickbooks-demo-client'),
    QUICKBOOKS_CLIENT_SECRET: z.string().min(1).default('ledgerbridge-quickbooks-demo-secret'),
    QUICKBOOKS_REDIRECT_URI: z.url().default('http://localhost:3000/api/connections/quickbooks/callback'),
    SANDBOX_TIME_SCALE: z.coerce.number().positive().default(1),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== '')));
if (!settings.success) {
  console.error(`Invalid QuickBooks sandbox settings:\n${settings.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  process.exit(1);
}
const cfg = settings.data;
const started = await startQuickBooksSandbox({
  port: cfg.QUICKBOOKS_SANDBOX_PORT,
  host: cfg.QUICKBOOKS_SANDBOX_HOST,
  timeScale: cfg.SANDBOX_TIME_SCALE,
  clients: [{ clientId: cfg.QUICKBOOKS_CLIENT_ID, clientSecret: cfg.QUICKBOOKS_CLIENT_SECRET, redirectUris: [cfg.QUICKBOOKS_REDIRECT_URI], name: 'Ledgerbridge' }],
});
console.log(`QuickBooks sandbox: ${started.url}/quickbooks (admin: ${started.url}/__sandbox/quickbooks)`);
const stop = () => void started.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
