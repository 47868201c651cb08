/**
 * Readiness: can this instance do its work now? Liveness (`/api/health/live`) only says the process answers; a load
 * balancer or orchestrator sends traffic to an instance only once readiness says yes, and takes it out of rotation
 * (without restarting it) when the database stops answering. Three checks:
 *
 * - database: one query answers within the deadline;
 * - migrations: the newest migration this build ships (drizzle/) is recorded in the database, so the code and the
 *   schema agree (a database ahead of the code, during a rolling upgrade, is fine: migrations only add);
 * - inngest: in production every call to /api/inngest is signed (a signing key, no INNGEST_DEV), and events can be
 *   sent (an event key). lib/env.ts refuses to start otherwise; this reports it where an operator looks.
 *
 * Pure: the database and the migrations folder come in as functions, so the unit tests need neither.
 */

export interface ReadinessDeps {
  /** One round trip to the database; throws when it does not answer. */
  pingDatabase(): Promise<void>;
  /** `created_at` of the newest migration recorded in the database (drizzle's folder timestamp), or null for none. */
  latestAppliedMigration(): Promise<number | null>;
  /** The newest migration this build ships. */
  latestShippedMigration(): { tag: string; when: number };
  inngest: InngestSettings;
  /** How long the database may take (default 2 s): a probe must answer well inside the prober's own timeout. */
  timeoutMs?: number;
}

export interface InngestSettings {
  production: boolean;
  INNGEST_DEV?: string | undefined;
  INNGEST_SIGNING_KEY?: string | undefined;
  INNGEST_EVENT_KEY?: string | undefined;
  INNGEST_BASE_URL?: string | undefined;
}

export type Check<Extra = object> = ({ ok: true } | { ok: false; error: string }) & Extra;

export interface Readiness {
  status: 'ready' | 'not-ready';
  checks: {
    database: Check;
    migrations: Check<{ latest?: string }>;
    inngest: Check<{ mode: 'cloud' | 'self-hosted' | 'dev'; signed: boolean }>;
  };
}

const DEFAULT_TIMEOUT_MS = 2_000;

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function checkInngest(settings: InngestSettings): Readiness['checks']['inngest'] {
  const mode = settings.INNGEST_DEV ? 'dev' : settings.INNGEST_BASE_URL ? 'self-hosted' : 'cloud';
  const signed = !settings.INNGEST_DEV && Boolean(settings.INNGEST_SIGNING_KEY);
  if (!settings.production) return { ok: true, mode, signed };
  const missing = [
    ...(settings.INNGEST_DEV ? ['INNGEST_DEV is set (no signature check on /api/inngest)'] : []),
    ...(settings.INNGEST_SIGNING_KEY ? [] : ['INNGEST_SIGNING_KEY is not set']),
    ...(settings.INNGEST_EVENT_KEY ? [] : ['INNGEST_EVENT_KEY is not set']),
  ];
  return missing.length === 0 ? { ok: true, mode, signed } : { ok: false, error: missing.join('; '), mode, signed };
}

/** Runs every check; `failures` carries the underlying errors for the log (the HTTP answer keeps them generic). */
export async function checkReadiness(deps: ReadinessDeps): Promise<{ readiness: Readiness; failures: unknown[] }> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const failures: unknown[] = [];
  const shipped = deps.latestShippedMigration();

  let database: Check;
  let migrations: Check<{ latest?: string }>;
  try {
    await within(deps.pingDatabase(), timeoutMs);
    database = { ok: true };
  } catch (error) {
    failures.push(error);
    database = {
      ok: false,
      error: error instanceof Timeout ? `no answer within ${timeoutMs} ms` : 'unreachable',
    };
  }
  if (!database.ok) {
    migrations = { ok: false, error: 'not checked: the database is unreachable' };
  } else {
    try {
      const applied = await within(deps.latestAppliedMigration(), timeoutMs);
      migrations =
        applied !== null && applied >= shipped.when
          ? { ok: true, latest: shipped.tag }
          : { ok: false, error: `${shipped.tag} is not applied yet`, latest: shipped.tag };
    } catch (error) {
      failures.push(error);
      migrations = { ok: false, error: 'the migrations table could not be read', latest: shipped.tag };
    }
  }
  const inngest = checkInngest(deps.inngest);
  const ready = database.ok && migrations.ok && inngest.ok;
  return { readiness: { status: ready ? 'ready' : 'not-ready', checks: { database, migrations, inngest } }, failures };
}
