'use client';

import { Select } from './select';

/** Pager's page-size control (pager.tsx loads it only where a table offers page sizes). */
export default function PageSizeSelect({ sizes, pageSize, onPageSize }: { sizes: number[]; pageSize: number; onPageSize: (size: number) => void }) {
  return (
    <Select
      aria-label="Rows per page"
      options={sizes.map((n) => ({ value: n, content: `${n} per page` }))}
      value={pageSize}
      onOptionChange={(n) => n && onPageSize(n)}
    />
  );
}
