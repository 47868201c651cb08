'use client';

import { SectionPlaceholder } from '../_components/placeholder';

export default function Page() {
  return (
    <SectionPlaceholder
      title="Activity"
      description="Every order and its sync state, with a timeline per order and a retry button for failed ones."
    />
  );
}
