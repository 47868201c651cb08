import { saveSettings } from '@/lib/admin/save-settings';
import type { StoreHash } from '@/lib/ids';
import { createAuditRepo } from '@/lib/repos/audit';
import { createSettingsRepo } from '@/lib/repos/settings';
import { CliError, EXIT, UsageError } from '../errors';
import { cliStoreContext, knownStore, type CliRuntime } from '../runtime';
import { formatSettingValue, SETTING_LEAVES, settingLeaf, valueAt, withValues } from '../settings-keys';

/**
 * `settings get`: every setting as a `key = value` line (defaults included), or with --json the settings object
 * exactly as stored and as GET /api/admin/settings answers it (a contract: README, Command line).
 */
export async function settingsGetCommand(rt: CliRuntime, options: { store: StoreHash; json: boolean }): Promise<number> {
  await knownStore(rt, options.store); // unknown → usage error
  const { settings } = await createSettingsRepo({ db: rt.db }).current(options.store);
  if (options.json) {
    rt.io.stdout.write(`${JSON.stringify(settings)}\n`);
    return EXIT.ok;
  }
  rt.io.stdout.write(SETTING_LEAVES.map((leaf) => `${leaf.key} = ${formatSettingValue(leaf, valueAt(settings, leaf.key))}\n`).join(''));
  return EXIT.ok;
}

/**
 * `settings set`: the given keys changed together on the current settings and saved through the same use case as
 * the settings pages (lib/admin/save-settings.ts): the same checks and messages, the optimistic version check, the
 * audit entry. Any refusal changes nothing.
 */
export async function settingsSetCommand(rt: CliRuntime, options: { store: StoreHash; values: ReadonlyMap<string, unknown> }): Promise<number> {
  const ctx = await cliStoreContext(rt, options.store);
  const repo = createSettingsRepo({ db: rt.db });
  const current = await repo.current(options.store);
  const saved = await saveSettings(
    { storeHash: options.store, actorUserId: null, provider: ctx.provider, settings: repo, audit: createAuditRepo({ db: rt.db }) },
    { settings: withValues(current.settings, options.values), expectedVersion: current.version, auditDetail: { via: 'cli', keys: [...options.values.keys()] } },
  );
  if (!saved.ok) {
    if (saved.kind === 'Conflict') throw new CliError('settings: the settings were saved by someone else meanwhile; nothing was changed, run the command again');
    // The message for a key that was given first; a rule between settings may name another key (the one to change).
    const given = [...options.values.keys()];
    const fields = Object.entries(saved.fields);
    const [path, message] = fields.find(([p]) => given.some((key) => p === key || p.startsWith(`${key}.`))) ?? fields[0]!;
    throw new UsageError(`settings: ${path}: ${message}`);
  }
  rt.io.stdout.write(`Saved settings version ${saved.version} of store ${options.store}:\n`);
  for (const key of options.values.keys()) {
    rt.io.stdout.write(`  ${key} = ${formatSettingValue(settingLeaf(key)!, valueAt(saved.settings, key))}\n`);
  }
  return EXIT.ok;
}
