// `npm run sandbox`: the local BigCommerce sandbox on SANDBOX_PORT (default 4100), with the app registered
// under BIGCOMMERCE_CLIENT_ID / BIGCOMMERCE_CLIENT_SECRET and callbacks under APP_URL.
// Sandboxes are test tooling, so they read their few settings here directly rather than through lib/env.ts.
import { z } from 'zod';
import { startBigCommerceSandbox } from './bigcommerce/server';
import { startSmtpSink } from './smtp/server';
import { createQuickBooksSandbox } from './quickbooks/server';
import { createXeroSandbox } from './xero/server';

const settings = z
  .object({
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
    SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    APP_URL: z.url().optional(),
    BIGCOMMERCE_CLIENT_ID: z.string().min(1).default('ledgerbridge-demo-client'),
    BIGCOMMERCE_CLIENT_SECRET: z.string().min(1).default('ledgerbridge-demo-secret-change-me-in-production'),
    SANDBOX_STATE_FILE: z.string().min(1).optional(),
    SANDBOX_TIME_SCALE: z.coerce.number().positive().default(1),
    XERO_CLIENT_ID: z.string().min(1).default('ledgerbridge-xero-demo-client'),
    XERO_CLIENT_SECRET: z.string().min(1).default('ledgerbridge-xero-demo-secret'),
    QUICKBOOKS_CLIENT_ID: z.string().min(1).default('ledgerbridge-quickbooks-demo-client'),
    QUICKBOOKS_CLIENT_SECRET: z.string().min(1).default('ledgerbridge-quickbooks-demo-secret'),
    /** The SMTP sink's port (set the app's SMTP_URL to smtp://127.0.0.1:<port>). */
    SMTP_SINK_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
    /** The app's MAIL_BOUNCE_SECRET: with it the sink forwards its delivery status notifications to the app's bounce route. */
    MAIL_BOUNCE_SECRET: z.string().min(1).optional(),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== '')));

if (!settings.success) {
  console.error(
    `Invalid sandbox settings:\n${settings.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
  );
  process.exit(1);
}
const cfg = settings.data;
const appUrl = cfg.APP_URL ?? `http://localhost:${cfg.PORT}`;

// Xero lives on the same port under /xero (and its admin API under /__sandbox/xero).
const xero = createXeroSandbox({
  timeScale: cfg.SANDBOX_TIME_SCALE,
  clients: [
    {
      clientId: cfg.XERO_CLIENT_ID,
      clientSecret: cfg.XERO_CLIENT_SECRET,
      redirectUris: [`${appUrl}/api/connections/xero/callback`],
      name: 'Ledgerbridge',
    },
  ],
});

// QuickBooks Online beside it under /quickbooks (admin API under /__sandbox/quickbooks).
const quickbooks = createQuickBooksSandbox({
  timeScale: cfg.SANDBOX_TIME_SCALE,
  clients: [
    {
      clientId: cfg.QUICKBOOKS_CLIENT_ID,
      clientSecret: cfg.QUICKBOOKS_CLIENT_SECRET,
      redirectUris: [`${appUrl}/api/connections/quickbooks/callback`],
      name: 'Ledgerbridge',
    },
  ],
});

// The SMTP sink beside them: mail the app sends, shown under /__sandbox/mail.
const smtp = await startSmtpSink({
  port: cfg.SMTP_SINK_PORT,
  host: cfg.SANDBOX_HOST,
  forwardReportsTo: cfg.MAIL_BOUNCE_SECRET ? { url: `${appUrl}/api/notifications/bounces`, secret: cfg.MAIL_BOUNCE_SECRET } : null,
});

const sandbox = await startBigCommerceSandbox({
  mounts: [...xero.mounts, ...quickbooks.mounts, ...smtp.mounts],
  port: cfg.SANDBOX_PORT,
  host: cfg.SANDBOX_HOST,
  apps: [
    {
      clientId: cfg.BIGCOMMERCE_CLIENT_ID,
      clientSecret: cfg.BIGCOMMERCE_CLIENT_SECRET,
      appUrl,
      name: 'Ledgerbridge',
    },
  ],
  timeScale: cfg.SANDBOX_TIME_SCALE,
  stateFile: cfg.SANDBOX_STATE_FILE,
});

const publicUrl = sandbox.url.replace('127.0.0.1', 'localhost');
console.log(`BigCommerce sandbox: ${publicUrl} (app callbacks under ${appUrl}/api/bigcommerce/)`);
console.log(`Xero sandbox: ${publicUrl}/xero (admin API under ${publicUrl}/__sandbox/xero)`);
console.log(`QuickBooks sandbox: ${publicUrl}/quickbooks (admin API under ${publicUrl}/__sandbox/quickbooks)`);
console.log(`SMTP sink: ${smtp.url} (set SMTP_URL to it; mail received at ${publicUrl}/__sandbox/mail/view, JSON at /__sandbox/mail)`);
console.log(
  `App ID ${sandbox.platform.appId(sandbox.platform.app())} (set BIGCOMMERCE_APP_ID to it: mail links open ${publicUrl}/store-<hash>/manage/app/<id>/…); ` +
    (cfg.MAIL_BOUNCE_SECRET ? `bounce reports forwarded to ${appUrl}/api/notifications/bounces` : 'set MAIL_BOUNCE_SECRET (the app’s) to forward bounce reports to the app'),
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the sandbox`);
  await sandbox.close();
  await smtp.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
