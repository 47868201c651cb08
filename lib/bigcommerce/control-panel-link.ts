/**
 * Links that open the app inside a store's BigCommerce control panel, at a page of the app (for emails: outside the
 * control panel the embedded pages have no session and only say so).
 *
 * BigCommerce serves an installed app at `https://store-{hash}.mybigcommerce.com/manage/app/{appId}`; a path after it
 * (`/manage/app/{appId}/activity/120`) is handed to the app's load callback as the signed payload's `url` claim, "also
 * known as a deep link" (https://developer.bigcommerce.com/docs/integrations/apps/guide/callbacks, the `url` property;
 * the path after the app's index page: bigcommerce/dev-docs docs/api-docs/apps/guide/apps-14-deep-linking.md). The
 * load route (app/api/bigcommerce/load) checks that claim as a same-origin path (deep-link.ts) and opens it.
 * The store's permanent control-panel address: https://support.bigcommerce.com/articles/en_US/Knowledge/Finding-Your-Web-Address.
 *
 * Against the local sandbox (BIGCOMMERCE_LOGIN_URL pointing at it) the store's address is `{sandbox}/store-{hash}`,
 * which the sandbox's control panel serves the same way (tests/sandbox/bigcommerce/control-panel.ts).
 * Without the app's ID the link opens the control panel's list of the store's apps (Apps › My Apps), one click away.
 */
export interface ControlPanelConfig {
  /** BIGCOMMERCE_APP_ID: the app's numeric ID in the Developer Portal; null when not configured. */
  appId: string | null;
  /** The sandbox's origin (Env.sandboxOrigin), or null for BigCommerce itself. */
  sandboxOrigin: string | null;
}

export function controlPanelBase(config: Pick<ControlPanelConfig, 'sandboxOrigin'>, storeHash: string): string {
  return config.sandboxOrigin ? `${config.sandboxOrigin}/store-${storeHash}` : `https://store-${storeHash}.mybigcommerce.com`;
}

/** `path` is the app's own page (`/activity/120`); only same-app paths are accepted. */
export function controlPanelAppLink(config: ControlPanelConfig, storeHash: string, path: string): string {
  if (!path.startsWith('/') || path.startsWith('//')) throw new Error(`not a path of the app: ${path}`);
  const base = controlPanelBase(config, storeHash);
  if (!config.appId) return `${base}/manage/marketplace/apps/my-apps`;
  return `${base}/manage/app/${config.appId}${path === '/' ? '' : path}`;
}
