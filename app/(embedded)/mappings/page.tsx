'use client';

import { SectionPlaceholder } from '../_components/placeholder';

export default function Page() {
  return (
    <SectionPlaceholder
      title="Mappings"
      description="Map payment methods, tax rates, shipping, handling, wrapping, fees and discounts to accounts and tax codes."
    />
  );
}
