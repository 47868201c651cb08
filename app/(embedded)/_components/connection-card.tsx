'use client';

import { Badge, Box, Button, Panel, Text } from '@bigcommerce/big-design';
import { useEffect } from 'react';
import { dateTime } from './format';
import { useMutation } from './hooks';

interface ConnectionTest {
  target: 'store' | 'accounting';
  ok: boolean;
  checks: Array<{ check: string; ok: boolean; detail: string }>;
  testedAt: string;
}

/** Health of one connection with a "Test connection" button: what was checked, and the exact error otherwise. */
export function ConnectionCard({ target, title, autoTest = true }: { target: 'store' | 'accounting'; title: string; autoTest?: boolean }) {
  const test = useMutation<{ target: string }, ConnectionTest>('POST', '/api/admin/connections/test');
  const { run } = test;
  const result = test.data;
  useEffect(() => {
    if (autoTest) void run({ target });
  }, [autoTest, run, target]);
  return (
    <Panel header={title}>
      <Box style={{ minHeight: 96 }} data-testid={`connection-${target}`}>
        {result ? (
          <>
            <Badge label={result.ok ? 'Connected' : 'Problem'} variant={result.ok ? 'success' : 'danger'} />
            <ul style={{ margin: '0.5rem 0', paddingLeft: '1.25rem' }}>
              {result.checks.map((c) => (
                <li key={c.check}>
                  <Text as="span" color={c.ok ? 'secondary70' : 'danger'}>
                    {c.ok ? 'OK' : 'Failed'}: {c.check}. {c.detail}
                  </Text>
                </li>
              ))}
            </ul>
            <Text color="secondary60">Checked {dateTime(result.testedAt)}</Text>
          </>
        ) : test.error ? (
          <Text color="danger">{test.error.message}</Text>
        ) : (
          <Text color="secondary60">{test.pending ? 'Testing…' : 'Not tested yet.'}</Text>
        )}
      </Box>
      <Button variant="secondary" isLoading={test.pending} onClick={() => void run({ target })}>
        Test connection
      </Button>
    </Panel>
  );
}
