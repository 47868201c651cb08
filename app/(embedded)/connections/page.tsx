'use client';

import { SectionPlaceholder } from '../_components/placeholder';

export default function Page() {
  return (
    <SectionPlaceholder
      title="Connections"
      description="Connect the built-in ledger, Xero or QuickBooks Online, and test each connection."
    />
  );
}
