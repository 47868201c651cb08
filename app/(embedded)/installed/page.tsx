'use client';

import { Button, Panel, Text } from '@bigcommerce/big-design';
import { useRouter } from 'next/navigation';

export default function InstalledPage() {
  const router = useRouter();
  return (
    <Panel header="Welcome to Ledgerbridge">
      <Text>
        Ledgerbridge is installed. From now on every eligible order can be posted to your books exactly once, with
        its status written back to your store.
      </Text>
      <Button onClick={() => router.push('/')}>Go to the overview</Button>
    </Panel>
  );
}
