'use client';

import { Box, Button, InlineMessage } from '@bigcommerce/big-design';

/** Error boundary for every embedded page: the shell stays, the page offers a retry. */
export default function EmbeddedError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Box marginTop="large">
      <InlineMessage
        type="error"
        header="Something went wrong on this page"
        messages={[{ text: error.message || 'An unexpected error occurred.' }]}
      />
      <Box marginTop="medium">
        <Button onClick={reset}>Try again</Button>
      </Box>
    </Box>
  );
}
