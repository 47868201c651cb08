import { z } from 'zod';
import { EnvError } from '@/lib/env';
import type { AppCredentials, RemoteDefinition } from './definition';

const url = z.url();
const positiveInt = z.coerce.number().int().positive();

/**
 * The app's credentials with a remote system, read from the variables its connector names: null when the client id
 * or secret is unset (the system is then not offered); a malformed URL or window is an EnvError naming the variable.
 * The redirect URI defaults to `${APP_URL}/api/connections/<id>/callback`.
 */
export function appCredentials(definition: RemoteDefinition, variables: Readonly<Record<string, string>>, appUrl: string): AppCredentials | null {
  const names = definition.connector.env;
  const clientId = variables[names.clientId];
  const clientSecret = variables[names.clientSecret];
  if (!clientId || !clientSecret) return null;
  const checked = <T>(name: string, schema: z.ZodType<T>): T | null => {
    const raw = variables[name];
    if (raw === undefined) return null;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new EnvError(`Invalid environment configuration (see .env.example):\n  ${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  };
  return {
    clientId,
    clientSecret,
    redirectUri: checked(names.redirectUri, url) ?? new URL(`/api/connections/${definition.id}/callback`, appUrl).toString(),
    baseUrl: checked(names.baseUrl, url),
    minuteMs: checked(names.minuteMs, positiveInt),
  };
}
