'use client';

import { Badge, Box, Button, Flex, Grid, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { Table } from '../../_components/table';
import { useParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { AppLink } from '../../_components/app-link';
import { dateTime, STATE_LABELS } from '../../_components/format';
import { money } from '../../_components/money';
import { statusLabel } from '../../_components/statuses';
import { useMutation } from '../../_components/hooks';
import { useStatuses } from '../../_components/use-statuses';
import { Empty, LoadError, Loading, PageHeader } from '../../_components/page-state';
import { useApi, useApiFetch, type ApiError } from '../../_components/session';
import type { OrderDetail, OrderPosting, Preview, TimelineEntry } from '@/lib/admin/order-detail';
import { addressLine, deliveryAddressOf } from '@/lib/sync/delivery';
import type { SalesDocument } from '@/lib/sync/sales-document';

type PreviewView = Extract<Preview, { ok: true }>;

const POSTING_STATE_VARIANTS: Record<OrderPosting['state'], 'success' | 'danger' | 'warning' | 'secondary' | 'primary'> = {
  posted: 'success',
  pending: 'primary',
  skipped: 'warning',
  failed: 'danger',
  summarised: 'secondary',
  gone: 'secondary',
};

/** "Refund 41 · 10.83 USD (tax 0.83 USD)" beside an event's label, when it has them. */
function eventFigures(t: TimelineEntry, currency: string | null): string {
  const parts: string[] = [];
  if (t.refundId !== null) parts.push(`refund ${t.refundId}`);
  if (t.amount !== null) parts.push(`${money(t.amount, currency)}${t.tax !== null ? ` (tax ${money(t.tax, currency)})` : ''}`);
  return parts.join(' · ');
}

function PostingsPanel({ detail }: { detail: OrderDetail }) {
  const currency = detail.record?.currency ?? null;
  const r = detail.refunds;
  return (
    <Panel
      header="Refunds and adjustments"
      description="Everything written to your books for this order after its document: payments, each refund’s credit note and the money paid back, updates, adjustments, voids and cancellations."
    >
      {r ? (
        <Text data-testid="refund-summary">
          {r.refunds === 1 ? '1 refund' : `${r.refunds} refunds`}: {money(r.credited, currency)} credited, {money(r.paidBack, currency)} paid back.
        </Text>
      ) : null}
      {detail.postings.length === 0 ? (
        <Empty>Nothing booked after the document.</Empty>
      ) : (
        <Table
          data-testid="postings"
          columns={[
            { header: 'What', hash: 'label', render: ({ label, refundId }) => (refundId !== null ? `${label} (refund ${refundId})` : label) },
            {
              header: 'Number',
              hash: 'number',
              // A change to an order of a closed day names the daily summary that booked it.
              render: ({ number, kind }) => (number && kind === 'summary_edit' ? <AppLink href={`/summaries/${encodeURIComponent(number)}`}>{number}</AppLink> : (number ?? '—')),
            },
            { header: 'Amount', hash: 'amount', align: 'right', render: ({ amount }) => money(amount, currency) },
            { header: 'Tax', hash: 'tax', align: 'right', render: ({ tax }) => money(tax, currency) },
            {
              header: 'State',
              hash: 'state',
              render: ({ state, stateLabel, kind, refundId }) => (
                <span data-testid={`posting-${kind}${refundId !== null ? `-${refundId}` : ''}`} data-state={state}>
                  <Badge label={stateLabel} variant={POSTING_STATE_VARIANTS[state] ?? 'secondary'} />
                </span>
              ),
            },
            {
              header: 'Details',
              hash: 'message',
              render: ({ message, method, account }) => [method && account ? `${method} · account ${account}` : null, message].filter(Boolean).join(' — ') || '',
            },
            { header: 'When', hash: 'at', render: ({ at }) => dateTime(at) },
          ]}
          items={detail.postings.map((p, i) => ({ ...p, id: i }))}
        />
      )}
    </Panel>
  );
}

function DocumentView({ doc, testId }: { doc: SalesDocument; testId: string }) {
  const c = doc.currency.code;
  const ruled = doc.lines.some((l) => l.revenueRule);
  const delivery = deliveryAddressOf(doc);
  return (
    <Box data-testid={testId}>
      <Text>
        {doc.kind.replace('_', ' ')} <strong>{doc.number}</strong> · {doc.date} · {doc.customer.displayName}
      </Text>
      <Table
        columns={[
          { header: 'Line', hash: 'description', render: ({ description, sku }) => `${description}${sku ? ` (${sku})` : ''}` },
          { header: 'Qty', hash: 'quantity', align: 'right', render: ({ quantity }) => quantity },
          {
            header: 'Account',
            hash: 'account',
            render: ({ account, taxCode, kind, revenueRule }) => (
              <span data-testid="line-account">
                {account}
                {taxCode ? ` · ${taxCode}` : ''}
                {/* Which revenue rule chose a product's account, or, where another line's did, that none did (accounts.sales). */}
                {kind === 'product' && (revenueRule || ruled) ? <Text as="span" color="secondary60">{` · ${revenueRule ? revenueRule.label : 'no rule applied'}`}</Text> : null}
              </span>
            ),
          },
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
      {delivery ? (
        <Text color="secondary60" data-testid={`${testId}-delivery`}>Deliver to: {addressLine(delivery)}</Text>
      ) : null}
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
  const detail = useApi<OrderDetail>(`/api/admin/orders/${encodeURIComponent(orderId)}`);
  const { statuses } = useStatuses();
  const apiFetch = useApiFetch();
  const retry = useMutation<{ orderIds: number[] }, { queued: number[] }>('POST', '/api/admin/activity/retry');
  const importer = useMutation<{ orderIds: number[] }, { queued: number[] }>('POST', '/api/admin/activity/import');
  const [preview, setPreview] = useState<{ loading: boolean; data?: PreviewView; error?: ApiError }>({ loading: false });
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
              {r.state === 'summarised' && r.documentNumber ? (
                <Text data-testid="document-number">
                  In the daily summary <AppLink href={`/summaries/${encodeURIComponent(r.documentNumber)}`} testId="summary-link">{r.documentNumber}</AppLink>
                </Text>
              ) : (
                <Text data-testid="document-number">{r.documentNumber ?? '—'}</Text>
              )}
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
            {/* Skipped, voided, credited and summarised are outcomes, not problems: said as information. */}
            <InlineMessage
              type={r.state === 'skipped' || r.state === 'voided' || r.state === 'credited' || r.state === 'summarised' ? 'info' : 'warning'}
              header={r.state === 'voided' || r.state === 'credited' || r.state === 'summarised' ? 'What happened' : 'Why'}
              messages={[{ text: r.message }]}
            />
          </Box>
        ) : null}
      </Panel>

      <Panel header="Timeline">
        {d.timeline.length === 0 ? (
          <Empty>Nothing recorded yet.</Empty>
        ) : (
          <ol style={{ margin: 0, paddingLeft: '1.25rem' }} data-testid="timeline">
            {d.timeline.map((t, i) => {
              const figures = eventFigures(t, r?.currency ?? null);
              return (
                <li key={i} style={{ marginBottom: 8 }} data-kind={t.kind}>
                  <Text marginBottom="none">
                    <strong>{t.label}</strong>
                    {figures ? <> · <span data-testid={`event-figures-${i}`}>{figures}</span></> : null} · {dateTime(t.at)}
                  </Text>
                  <Text marginBottom="none" color="secondary70">{t.message}</Text>
                </li>
              );
            })}
          </ol>
        )}
      </Panel>

      <PostingsPanel detail={d} />

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
              setPreview({ loading: false, data: await apiFetch<PreviewView>(`/api/admin/orders/${encodeURIComponent(orderId)}/preview`) });
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
