import { z } from 'zod';
import { err, ok, type Result } from '@/lib/errors';

/** `GET /v2/store`: the connection test, and where plan and currency come from. */
const storeInfo = z.object({
  id: z.string(),
  name: z.string().optional(),
  currency: z.string().optional(),
  decimal_places: z.number().int().optional(),
  plan_level: z.string().optional(),
});
export type StoreInfo = z.infer<typeof storeInfo>;

export async function fetchStoreInfo(
  deps: { fetch: typeof fetch; apiUrl: string },
  storeHash: string,
  accessToken: string,
): Promise<Result<StoreInfo, { status: number | null; message: string }>> {
  try {
    const response = await deps.fetch(new URL(`/stores/${storeHash}/v2/store`, deps.apiUrl), {
      headers: { 'x-auth-token': accessToken, accept: 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) return err({ status: response.status, message: `GET /v2/store answered ${response.status}` });
    const parsed = storeInfo.safeParse(await response.json());
    return parsed.success ? ok(parsed.data) : err({ status: response.status, message: 'GET /v2/store returned an unexpected body' });
  } catch (error) {
    return err({ status: null, message: `GET /v2/store failed: ${error instanceof Error ? error.message : String(error)}` });
  }
}
