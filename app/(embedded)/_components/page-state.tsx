'use client';

import { Box, Button, Flex, InlineMessage, ProgressCircle, Text } from '@bigcommerce/big-design';
import type { ReactNode } from 'react';
import type { ApiError } from './session';

/** A loading state that reserves the space of what it replaces (no layout shift when the data arrives). */
export function Loading({ label, minHeight = 240 }: { label: string; minHeight?: number }) {
  return (
    <Flex justifyContent="center" alignItems="center" style={{ minHeight }} role="status" aria-live="polite">
      <ProgressCircle size="medium" />
      <Text marginLeft="small" marginBottom="none" color="secondary60">
        {label}
      </Text>
    </Flex>
  );
}

/** An error with a retry button, saying what failed in plain words. */
export function LoadError({ what, error, onRetry }: { what: string; error: ApiError | Error; onRetry: () => void }) {
  return (
    <Box marginBottom="medium">
      <InlineMessage
        type="error"
        header={`Could not load ${what}`}
        messages={[{ text: error.message }]}
        actions={[{ text: 'Try again', onClick: onRetry }]}
      />
    </Box>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Box padding="large" backgroundColor="secondary10" borderRadius="normal">
      <Text marginBottom="none">{children}</Text>
    </Box>
  );
}

/** A page heading row: title and optional actions on the right. */
export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  return (
    <Flex justifyContent="space-between" alignItems="center" marginBottom="medium" flexWrap="wrap">
      <Box>
        <h2 style={{ margin: 0, fontSize: '1.5rem', fontWeight: 600 }}>{title}</h2>
        {children}
      </Box>
      {actions ? <Flex flexGap="0.5rem">{actions}</Flex> : null}
    </Flex>
  );
}

export function RetryButton({ onClick, children = 'Try again' }: { onClick: () => void; children?: ReactNode }) {
  return (
    <Button variant="secondary" onClick={onClick}>
      {children}
    </Button>
  );
}
