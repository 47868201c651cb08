'use client';

import { Panel, Text } from '@bigcommerce/big-design';
import { Table } from './table';
import type { StorePermissions } from '@/lib/admin/permissions';
import { HOW_TO_GRANT } from './reauthorize';

/** The overview's account of what is missing, why, and how to grant it (loaded by ReauthorizePanel in reauthorize.tsx when first shown). */
export function ReauthorizePanelBody({ permissions, heading }: { permissions: StorePermissions; heading: string }) {
  return (
    <Panel header={heading} description="Ledgerbridge now needs a permission this store has not granted yet." data-testid="reauthorize-panel">
      <Table
        columns={[
          { header: 'Permission', hash: 'name', render: ({ name, scope }) => <>{name}<br /><Text as="span" color="secondary60">{scope}</Text></> },
          { header: 'What it is for', hash: 'why', render: ({ why }) => why },
        ]}
        items={permissions.missing.map((m) => ({ ...m, id: m.scope }))}
      />
      <Text marginTop="medium">
        <strong>How: </strong>
        {HOW_TO_GRANT}
      </Text>
    </Panel>
  );
}
