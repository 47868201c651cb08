'use client';

import { Box, InlineMessage } from '@bigcommerce/big-design';
import { lazy, Suspense } from 'react';
import type { StorePermissions } from '@/lib/admin/permissions';

/**
 * How a merchant grants permissions the app did not have when it was installed. BigCommerce, Implementing OAuth
 * (https://developer.bigcommerce.com/docs/integrations/apps/guide/auth): when "You change the app's OAuth scopes",
 * "The next time the merchant opens the app in the store control panel, the browser will prompt them to accept the
 * changes. Once they accept, their previous access_token will be invalid, and your app will receive a fresh auth
 * callback for their store." That callback stores the new grant (lib/bigcommerce/install.ts) and this prompt goes.
 * Reinstalling runs the same callback.
 */
export const HOW_TO_GRANT =
  'Open Ledgerbridge from Apps › My Apps in your BigCommerce control panel: BigCommerce shows the new permissions and asks you to accept them. ' +
  'If it does not ask, uninstall the app there and install it again: your settings and order history are kept.';

function heading(permissions: StorePermissions): string {
  return permissions.missing.some((m) => m.scope.startsWith('store_v2_transactions'))
    ? 'Re-authorize Ledgerbridge so refunds can be booked'
    : 'Re-authorize Ledgerbridge';
}

/** One line on every page but the overview (which shows the panel below). */
export function ReauthorizeBanner({ permissions }: { permissions: StorePermissions }) {
  if (permissions.complete) return null;
  return (
    <Box marginBottom="medium" data-testid="reauthorize-banner">
      <InlineMessage
        type="warning"
        header={heading(permissions)}
        messages={[
          { text: `Missing permission: ${permissions.missing.map((m) => `${m.name} (${m.scope})`).join(', ')}. ${permissions.missing.map((m) => m.why).join(' ')}` },
          { text: HOW_TO_GRANT },
        ]}
      />
    </Box>
  );
}

const LoadedPanel = lazy(() => import('./reauthorize-panel').then((m) => ({ default: m.ReauthorizePanelBody })));

/**
 * The overview's account of what is missing, why, and how to grant it. Its table (BigDesign's Table, with the drag and
 * drop and pagination code that comes with it) is fetched only for a store that has a permission to grant.
 */
export function ReauthorizePanel({ permissions }: { permissions: StorePermissions }) {
  if (permissions.complete) return null;
  return (
    <Suspense fallback={null}>
      <LoadedPanel permissions={permissions} heading={heading(permissions)} />
    </Suspense>
  );
}
