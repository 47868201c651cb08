'use client';

import { Button, Flex, Text } from '@bigcommerce/big-design';
import { Select } from './select';

/**
 * Pagination for the tables: previous / next and a page size. (BigDesign's built-in table pagination renders a
 * menu button with ARIA attributes a button may not carry, which axe-core reports as critical.)
 */
export function Pager({
  page,
  pages,
  total,
  pageSize,
  itemName,
  onPage,
  onPageSize,
  sizes = [10, 25, 50, 100],
  exact = true,
}: {
  page: number;
  pages: number;
  total: number;
  pageSize: number;
  itemName: string;
  onPage: (page: number) => void;
  onPageSize?: (size: number) => void;
  sizes?: number[];
  /** False when the server stopped counting: the total is a lower bound. */
  exact?: boolean;
}) {
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <Flex as="nav" aria-label={`${itemName} pages`} justifyContent="space-between" alignItems="center" marginTop="medium" flexWrap="wrap" flexGap="0.75rem">
      <Text marginBottom="none" aria-live="polite">
        {first}–{last} of {total.toLocaleString('en-US')}
        {exact ? '' : '+'} {itemName}
      </Text>
      <Flex alignItems="center" flexGap="0.5rem">
        {onPageSize ? (
          <div style={{ width: 150 }}>
            <Select
              aria-label="Rows per page"
              options={sizes.map((n) => ({ value: n, content: `${n} per page` }))}
              value={pageSize}
              onOptionChange={(n) => n && onPageSize(n)}
            />
          </div>
        ) : null}
        <Button variant="subtle" disabled={page <= 1} onClick={() => onPage(page - 1)}>
          Previous page
        </Button>
        <Text marginBottom="none">
          Page {page} of {pages}
          {exact ? '' : '+'}
        </Text>
        <Button variant="subtle" disabled={page >= pages} onClick={() => onPage(page + 1)}>
          Next page
        </Button>
      </Flex>
    </Flex>
  );
}
