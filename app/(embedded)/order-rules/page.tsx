'use client';

import { SectionPlaceholder } from '../_components/placeholder';

export default function Page() {
  return (
    <SectionPlaceholder
      title="Order rules"
      description="Choose which order statuses are imported, the status set after import or on error, the document kind and the number prefix."
    />
  );
}
