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

export function useConnectionTest() {
  return useMutation<{ target: string }, ConnectionTest>('POST', '/api/admin/connections/test');
}

/** What a "Test connection" checked, and the exact error otherwise. */
export function TestResult({ test, idle }: { test: ReturnType<typeof useConnectionTest>; idle: string }) {
  const result = test.data;
  if (result) {
    return (
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
    );
  }
  if (test.error) return <Text color="danger">{test.error.message}</Text>;
  return <Text color="secondary60">{test.pending ? 'Testing…' : idle}</Text>;
}

/** Health of one connection with a "Test connection" button: what was checked, and the exact error otherwise. */
export function ConnectionCard({ target, title, autoTest = true }: { target: 'store' | 'accounting'; title: string; autoTest?: boolean }) {
  const test = useConnectionTest();
  const { run } = test;
  useEffect(() => {
    if (autoTest) void run({ target });
  }, [autoTest, run, target]);
  return (
    <Panel header={title}>
      <Box style={{ minHeight: 96 }} data-testid={`connection-${target}`}>
        <TestResult test={test} idle="Not tested yet." />
      </Box>
      <Button variant="secondary" isLoading={test.pending} onClick={() => void run({ target })}>
        Test connection
      </Button>
    </Panel>
  );
}
