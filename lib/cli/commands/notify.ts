import type { StoreHash } from '@/lib/ids';
import { yesterdayIn } from '@/lib/sync/days';
import { createNotifyDeps } from '@/lib/notify/deps';
import { sendDigest } from '@/lib/notify/send';
import { CliError, EXIT } from '../errors';
import { knownStore, type CliRuntime } from '../runtime';

/** `ledgerbridge notify digest --store <hash> [--date YYYY-MM-DD]`: the store's daily digest, sent now. */
export async function notifyDigestCommand(rt: CliRuntime, options: { store: StoreHash; date: string | null }): Promise<number> {
  const { SMTP_URL, MAIL_FROM, APP_URL, SESSION_SECRET } = rt.env;
  if (!SMTP_URL) throw new CliError('notify digest: email is off: set SMTP_URL (smtp://user:pass@host:587) to send the digest', EXIT.usage);
  if (!SESSION_SECRET) throw new CliError('notify digest: set SESSION_SECRET, the app’s own, to sign the unsubscribe links', EXIT.usage);
  const store = await knownStore(rt, options.store);
  if (!store.installed) throw new CliError(`notify digest: store ${options.store} is not installed`, EXIT.usage);
  const { MAIL_BOUNCE_ADDRESS, BIGCOMMERCE_APP_ID, BIGCOMMERCE_LOGIN_URL } = rt.env;
  const deps = createNotifyDeps({ db: rt.db, env: { SMTP_URL, MAIL_FROM, APP_URL, SESSION_SECRET, MAIL_BOUNCE_ADDRESS, BIGCOMMERCE_APP_ID, BIGCOMMERCE_LOGIN_URL } });
  try {
    const date = options.date ?? yesterdayIn((await deps.store(options.store)).timeZone, new Date());
    const result = await sendDigest(deps, options.store, date, { force: true });
    if ('skipped' in result) {
      rt.io.stdout.write(`Digest of ${date} for ${options.store}: not sent: ${result.skipped === 'no_recipients' ? 'no user of the store wants the digest (or every address bounced)' : result.skipped}\n`);
      return EXIT.ok;
    }
    rt.io.stdout.write(`Digest of ${date} for ${options.store}: sent to ${result.sent} user(s)${result.refused.length ? `; refused by the mail server (no more mail to them): ${result.refused.join(', ')}` : ''}\n`);
    return result.refused.length > 0 && result.sent === 0 ? EXIT.failed : EXIT.ok;
  } finally {
    deps.close();
  }
}
