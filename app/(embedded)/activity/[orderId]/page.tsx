'use client';

import { Badge, Box, Button, Flex, Grid, InlineMessage, Panel, Table, Text } from '@bigcommerce/big-design';
import { useParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { AppLink } from '../../_components/app-link';
import { dateTime, money, STATE_LABELS, statusLabel } from '../../_components/format';
import { useMutation, useStatuses } from '../../_components/hooks';
import { Empty, LoadError, Loading, PageHeader } from '../../_components/page-state';
import { useApi, useApiFetch, type ApiError } from '../../_components/session';

interface DocLine {
  kind: string;
  description: string;
  sku: string | null;
  quantity: string;
  net: string;
  tax: string;
  gross: string;
  account: string;
  taxCode: string | null;
}
interface SalesDocument {
  kind: string;
  number: string;
  date: string;
  currency: { code: string };
  customer: { displayName: string };
  lines: DocLine[];
  totals: { net: string; tax: string; total: string; discount: string; due: string };
  payments: Array<{ method: string; account: string; amount: string }>;
  notes: Array<{ message: string }>;
}
interface Detail {
  orderId: number;
  record: {
    state: string;
    reason: string | null;
    message: string | null;
    documentNumber: string | null;
    attempts: number;
    total: string | null;
    currency: string | null;
    customer: string | null;
    orderStatusId: number | null;
    orderDate: string | null;
    postedAt: string | null;
    updatedAt: string;
  } | null;
  timeline: Array<{ kind: string; message: string; at: string }>;
  document: SalesDocument | null;
}
interface Preview {
  plan: { action: string; reason: string; message: string };
  document: SalesDocument | null;
  problems: Array<{ code: string; message: string }>;
}

const EVENT_LABELS: Record<string, string> = {
  webhook: 'Webhook received',
  planned: 'Planned',
  posted: 'Posted',
  payment_not_recorded: 'Payment not recorded',
  status_written: 'Status written',
  failed: 'Attempt failed',
  held: 'Needs attention',
  skipped: 'Skipped',
  voided: 'Voided',
  credited: 'Credited',
  requested: 'Requested',
};

function DocumentView({ doc, testId }: { doc: SalesDocument; testId: string }) {
  const c = doc.currency.code;
  return (
    <Box data-testid={testId}>
      <Text>
        {doc.kind.replace('_', ' ')} <strong>{doc.number}</strong> · {doc.date} · {doc.customer.displayName}
      </Text>
      <Table
        columns={[
          { header: 'Line', hash: 'description', render: ({ description, sku }) => `${description}${sku ? ` (${sku})` : ''}` },
          { header: 'Qty', hash: 'quantity', align: 'right', render: ({ quantity }) => quantity },
          { header: 'Account', hash: 'account', render: ({ account, taxCode }) => `${account}${taxCode ? ` · ${taxCode}` : ''}` },
          { header: 'Net', hash: 'net', align: 'right', render: ({ net }) => money(net, c) },
          { header: 'Tax', hash: 'tax', align: 'right', render: ({ tax }) => money(tax, c) },
          { header: 'Total', hash: 'gross', align: 'right', render: ({ gross }) => money(gross, c) },
        ]}
        items={doc.lines.map((l, i) => ({ ...l, id: i }))}
      />
      <Flex justifyContent="flex-end" flexGap="1.5rem" marginTop="small">
        <Text marginBottom="none">Net <span data-testid={`${testId}-net`}>{money(doc.totals.net, c)}</span></Text>
        <Text marginBottom="none">Tax <span data-testid={`${testId}-tax`}>{money(doc.totals.tax, c)}</span></Text>
        <Text marginBottom="none" bold>Total <span data-testid={`${testId}-total`}>{money(doc.totals.total, c)}</span></Text>
      </Flex>
      {doc.payments.length > 0 ? (
        <Text color="secondary60">Payments: {doc.payments.map((p) => `${money(p.amount, c)} by ${p.method} into ${p.account}`).join('; ')}</Text>
      ) : null}
      {doc.notes.map((n) => (
        <Text key={n.message} color="secondary60">Note: {n.message}</Text>
      ))}
    </Box>
  );
}

export default function OrderPage() {
  const params = useParams<{ orderId: string }>();
  const orderId = params.orderId;
  const detail = useApi<Detail>(`/api/admin/orders/${encodeURIComponent(orderId)}`);
  const { statuses } = useStatuses();
  const apiFetch = useApiFetch();
  const retry = useMutation<{ orderIds: number[] }, { queued: number[] }>('POST', '/api/admin/activity/retry');
  const importer = useMutation<{ orderIds: number[] }, { queued: number[] }>('POST', '/api/admin/activity/import');
  const [preview, setPreview] = useState<{ loading: boolean; data?: Preview; error?: ApiError }>({ loading: false });
  const [notice, setNotice] = useState<string | null>(null);
  const { reload } = detail;
  useEffect(() => {
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [reload]);

  if (detail.error && !detail.data) {
    if (detail.error.status === 404) {
      return (
        <Panel header={`Order ${orderId}`}>
          <Empty>This store has no sync history for order {orderId}.</Empty>
          <Box marginTop="medium"><AppLink href="/activity">Back to the activity</AppLink></Box>
        </Panel>
      );
    }
    return <LoadError what={`order ${orderId}`} error={detail.error} onRetry={detail.reload} />;
  }
  if (!detail.data) return <Loading label={`Loading order ${orderId}…`} minHeight={600} />;
  const d = detail.data;
  const r = d.record;
  const canRetry = r && (r.state === 'failed' || r.state === 'held' || r.state === 'pending');
  const id = Number(orderId);
  const refreshSoon = () => {
    setTimeout(detail.reload, 1500);
    setTimeout(detail.reload, 4000);
  };

  return (
    <>
      <PageHeader
        title={`Order ${d.orderId}`}
        actions={
          <>
            <AppLink href="/activity">Back to the activity</AppLink>
            {canRetry ? (
              <Button
                isLoading={retry.pending}
                onClick={async () => {
                  const done = await retry.run({ orderIds: [id] });
                  if (done) {
                    setNotice(done.queued.length ? 'Retry queued. The state below updates in a moment.' : 'Nothing to retry.');
                    refreshSoon();
                  }
                }}
              >
                Retry
              </Button>
            ) : (
              <Button
                variant="secondary"
                isLoading={importer.pending}
                onClick={async () => {
                  const done = await importer.run({ orderIds: [id] });
                  if (done) {
                    setNotice('Sync queued. The state below updates in a moment.');
                    refreshSoon();
                  }
                }}
              >
                Sync now
              </Button>
            )}
          </>
        }
      />
      <div role="status" aria-live="polite">
        {notice ? <InlineMessage type="success" messages={[{ text: notice }]} onClose={() => setNotice(null)} /> : null}
      </div>
      {retry.error || importer.error ? <InlineMessage type="error" messages={[{ text: (retry.error ?? importer.error)!.message }]} /> : null}

      <Panel header="Sync state">
        {r ? (
          <Grid gridColumns="repeat(auto-fit, minmax(220px, 1fr))" gridGap="1rem">
            <Box>
              <Text marginBottom="xSmall" color="secondary60">State</Text>
              <span data-testid="order-state" data-state={r.state}>
                <Badge label={STATE_LABELS[r.state]?.label ?? r.state} variant={STATE_LABELS[r.state]?.variant ?? 'secondary'} />
              </span>
            </Box>
            <Box>
              <Text marginBottom="xSmall" color="secondary60">Document</Text>
              <Text data-testid="document-number">{r.documentNumber ?? '—'}</Text>
            </Box>
            <Box>
              <Text marginBottom="xSmall" color="secondary60">Order</Text>
              <Text>
                {money(r.total, r.currency)} · {r.customer ?? '—'} · {statusLabel(statuses, r.orderStatusId)}
              </Text>
            </Box>
            <Box>
              <Text marginBottom="xSmall" color="secondary60">Attempts</Text>
              <Text>{r.attempts}</Text>
            </Box>
          </Grid>
        ) : (
          <Text>No sync record yet.</Text>
        )}
        {r?.message && r.state !== 'posted' ? (
          <Box marginTop="medium" data-testid="order-reason">
            <InlineMessage type={r.state === 'skipped' ? 'info' : 'warning'} header="Why" messages={[{ text: r.message }]} />
          </Box>
        ) : null}
      </Panel>

      <Panel header="Timeline">
        {d.timeline.length === 0 ? (
          <Empty>Nothing recorded yet.</Empty>
        ) : (
          <ol style={{ margin: 0, paddingLeft: '1.25rem' }} data-testid="timeline">
            {d.timeline.map((t, i) => (
              <li key={i} style={{ marginBottom: 8 }}>
                <Text marginBottom="none">
                  <strong>{EVENT_LABELS[t.kind] ?? t.kind}</strong> · {dateTime(t.at)}
                </Text>
                <Text marginBottom="none" color="secondary70">{t.message}</Text>
              </li>
            ))}
          </ol>
        )}
      </Panel>

      <Panel header="Document as posted">
        {d.document ? <DocumentView doc={d.document} testId="posted-document" /> : <Empty>Not posted yet.</Empty>}
      </Panel>

      <Panel header="Preview" description="The document that would be posted now under the current settings. Nothing is posted.">
        <Button
          variant="secondary"
          isLoading={preview.loading}
          onClick={async () => {
            setPreview({ loading: true });
            try {
              setPreview({ loading: false, data: await apiFetch<Preview>(`/api/admin/orders/${encodeURIComponent(orderId)}/preview`) });
            } catch (error) {
              setPreview({ loading: false, error: error as ApiError });
            }
          }}
        >
          Preview
        </Button>
        <Box marginTop="medium" style={{ minHeight: 40 }}>
          {preview.error ? <InlineMessage type="error" messages={[{ text: preview.error.message }]} /> : null}
          {preview.data ? (
            <>
              <Text data-testid="preview-plan">A sync now would: {preview.data.plan.message}</Text>
              {preview.data.problems.length > 0 ? (
                <InlineMessage type="warning" header="This order cannot be posted yet" messages={preview.data.problems.map((p) => ({ text: p.message }))} />
              ) : null}
              {preview.data.document ? <DocumentView doc={preview.data.document} testId="preview-document" /> : null}
            </>
          ) : null}
        </Box>
      </Panel>
    </>
  );
}
