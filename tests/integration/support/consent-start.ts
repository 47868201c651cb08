/**
 * What the app's connect page does in the consent window (app/connect/), without a browser: POST the start route with
 * the store session and keep the cookie that binds the flow to this "browser"
 * (lib/accounting/connect/browser-binding.ts). The callback must be fetched with `cookie`.
 */
export async function startConsent(
  appUrl: string,
  provider: string,
  token: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ url: string; cookie: string }> {
  const start = await fetchImpl(`${appUrl}/api/connections/${provider}/start`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (start.status !== 200) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const { url } = (await start.json()) as { url: string };
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (!cookie) throw new Error('start set no binding cookie');
  return { url, cookie };
}
