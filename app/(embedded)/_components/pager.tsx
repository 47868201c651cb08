'use client';

import { Button, Flex, Text } from '@bigcommerce/big-design';
import { lazy, Suspense, useRef } from 'react';
import { useNear } from './use-near';

// The page size is a Select (with BigDesign's Input and form parts behind it): loaded only by a table that offers page
// sizes, so a page whose only control is its pager does not carry them, and only once the pager comes near the visible
// part of the page (below a long table it is not on the first screen; issue 16's budget; README, Performance).
const PageSizeSelect = lazy(() => import('./pager-size'));

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
  const sizeBox = useRef<HTMLDivElement>(null);
  const [near] = useNear(sizeBox);
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
          <div ref={sizeBox} style={{ width: 150, minHeight: 36 }}>
            {near ? (
              <Suspense fallback={null}>
                <PageSizeSelect sizes={sizes} pageSize={pageSize} onPageSize={onPageSize} />
              </Suspense>
            ) : null}
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
