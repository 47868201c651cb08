'use client';

import { Badge, Box, Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { Checkbox } from './checkbox';
import { Table } from './table';
import { useEffect, useState } from 'react';
import { AppLink } from './app-link';
import { dateTime } from './format';
import { useMutation } from './hooks';
import { usePoll } from './use-poll';
import { LoadError } from './page-state';
import { Setting } from './setting';
import type { ItemsImportView, StockStatus } from '@/lib/admin/items-stock';
import type { FieldChange } from '@/lib/sync/items-import';

// Types only: the import's view model as the route answers it (nothing of lib/ is bundled).
type ImportView = ItemsImportView;


const changeText = (c: FieldChange) => (c.field === 'description' ? 'description' : `${c.field}: ${c.from ?? '—'} → ${c.to}`);
const more = (shown: number, total: number) => (total > shown ? <Text color="secondary60">…and {total - shown} more.</Text> : null);

/**
 * "Import items": a preview (what would be created or updated, and the catalog's problems), then a confirm button
 * that writes exactly that. `onImported` lets the page reload its item list.
 */
export function ImportItemsPanel({ onImported }: { onImported?: () => void }) {
  const [updateDetails, setUpdateDetails] = useState(false);
  const [preview, setPreview] = useState<ImportView | null>(null);
  const [done, setDone] = useState<ImportView | null>(null);
  const run = useMutation<{ dryRun: boolean; updateDetails: boolean }, ImportView>('POST', '/api/admin/items/import');
  const pending = preview ? preview.create.total + preview.update.total : 0;

  const previewNow = async () => {
    setDone(null);
    setPreview(await run.run({ dryRun: true, updateDetails }));
  };
  const confirm = async () => {
    const result = await run.run({ dryRun: false, updateDetails });
    if (result) {
      setDone(result);
      setPreview(null);
      onImported?.();
    }
  };

  return (
    <Panel
      header="Import items from BigCommerce"
      description="Creates every product and variant SKU that has no item in your books yet, with its name, description, price, tracked flag and your sales account. Existing items are matched by SKU and left alone unless you ask to update their details."
    >
      <Flex flexGap="1rem" alignItems="center" flexWrap="wrap">
        <Checkbox
          label="Also update name, description and price of existing items"
          checked={updateDetails}
          onChange={(e) => {
            setUpdateDetails(e.target.checked);
            setPreview(null);
          }}
        />
        <Button variant="secondary" isLoading={run.pending && !preview} onClick={() => void previewNow()}>
          Preview import
        </Button>
      </Flex>
      {run.error ? <InlineMessage type="error" marginTop="medium" messages={[{ text: run.error.message }]} /> : null}
      {preview ? (
        <Box marginTop="medium" data-testid="import-preview">
          <Text bold>
            Into {preview.system}: {preview.create.total} to create, {preview.update.total} to update, {preview.unchanged} already there,{' '}
            {preview.problems.total} problem(s).
          </Text>
          {preview.notes.map((note) => (
            <InlineMessage key={note} type="info" marginBottom="small" messages={[{ text: note }]} />
          ))}
          {preview.create.total > 0 ? (
            <>
              <Table
                columns={[
                  { header: 'SKU', hash: 'sku', render: ({ sku }) => sku },
                  { header: 'Name', hash: 'name', render: ({ name }) => name },
                  { header: 'Price', hash: 'unitPrice', align: 'right', render: ({ unitPrice }) => unitPrice ?? '—' },
                  { header: 'Stock', hash: 'tracked', render: ({ tracked }) => (tracked ? 'tracked' : 'not tracked') },
                  { header: 'Sales account', hash: 'salesAccount', render: ({ salesAccount }) => salesAccount },
                ]}
                items={preview.create.rows.map((r) => ({ ...r, id: r.sku }))}
                itemName="items to create"
              />
              {more(preview.create.rows.length, preview.create.total)}
            </>
          ) : null}
          {preview.update.total > 0 ? (
            <>
              <Table
                columns={[
                  { header: 'SKU', hash: 'sku', render: ({ sku }) => sku },
                  { header: 'Changes', hash: 'changes', render: ({ changes }) => changes.map(changeText).join('; ') },
                ]}
                items={preview.update.rows.map((r) => ({ ...r, id: r.sku }))}
                itemName="items to update"
              />
              {more(preview.update.rows.length, preview.update.total)}
            </>
          ) : null}
          {preview.problems.total > 0 ? (
            <InlineMessage
              type="warning"
              header="Not imported (fix these in BigCommerce)"
              marginTop="small"
              messages={preview.problems.rows.slice(0, 20).map((p) => ({ text: p.message }))}
            />
          ) : null}
          <Box marginTop="medium">
            {pending > 0 ? (
              <Button isLoading={run.pending} onClick={() => void confirm()}>
                Import {pending} item(s)
              </Button>
            ) : (
              <Text>Nothing to import: every SKU already has its item.</Text>
            )}
          </Box>
        </Box>
      ) : null}
      <div role="status" aria-live="polite">
        {done ? (
          <Box marginTop="medium">
            <Text>
              {done.system}: {done.created} item(s) created, {done.updated} updated
              {done.existed ? `, ${done.existed} created meanwhile and left as they are` : ''}.
            </Text>
            {done.failed.length ? (
              <InlineMessage type="error" header="Refused" messages={done.failed.slice(0, 20).map((f) => ({ text: `${f.sku}: ${f.message}` }))} />
            ) : null}
          </Box>
        ) : null}
      </div>
    </Panel>
  );
}

/**
 * "Push stock now" with when the last push ran and what it did, and the "push product details" switch. While a
 * requested push has not run yet, the status is polled.
 */
export function StockPanel() {
  const [waitingSince, setWaitingSince] = useState<string | null>(null);
  const status = usePoll<StockStatus>('/api/admin/stock', 2000, (s) => waitingSince !== null && (s?.lastPushAt ?? '') <= waitingSince);
  const push = useMutation<Record<string, never>, { queued: boolean }>('POST', '/api/admin/stock/push');
  const details = useMutation<{ pushProductDetails: boolean }, { items: { pushProductDetails: boolean } }>('PUT', '/api/admin/items/settings');
  const [pushDetails, setPushDetails] = useState<boolean | null>(null);
  const s = status.data;

  useEffect(() => {
    if (waitingSince !== null && s?.lastPushAt && s.lastPushAt > waitingSince) setWaitingSince(null);
  }, [s?.lastPushAt, waitingSince]);

  const pushNow = async () => {
    const before = s?.lastPushAt ?? new Date(0).toISOString();
    if (await push.run({})) {
      setWaitingSince(before);
      status.refresh();
    }
  };

  return (
    <Panel header="Stock to BigCommerce" description="Your books are the source of truth for quantities: changed levels go to BigCommerce inventory on a schedule and after each posted order or stock count.">
      {status.error && !s ? <LoadError what="the stock status" error={status.error} onRetry={status.refresh} /> : null}
      {s ? (
        <Box data-testid="stock-status">
          <Flex flexGap="0.5rem" alignItems="center" marginBottom="small">
            <Badge label={s.enabled ? 'Stock sync on' : 'Stock sync off'} variant={s.enabled ? 'success' : 'secondary'} />
            <Text marginBottom="none">Last push: {s.lastPushAt ? dateTime(s.lastPushAt) : 'never'}</Text>
          </Flex>
          {s.lastResult ? (
            <Text>
              Last result ({dateTime(s.lastResult.at)}): {s.lastResult.message}
            </Text>
          ) : null}
          {!s.enabled ? (
            <Text color="secondary60" data-testid="stock-off-hint">
              Turn stock sync on under <AppLink href="/order-rules#stock">Order rules › Stock to BigCommerce</AppLink> to push levels.
            </Text>
          ) : null}
          <Flex flexGap="1rem" alignItems="center" flexWrap="wrap" marginTop="small">
            <Button disabled={!s.enabled} isLoading={push.pending} onClick={() => void pushNow()}>
              Push stock now
            </Button>
            <Setting path="items.pushProductDetails">
              <Checkbox
                label="Also send name, price and description from the books to BigCommerce (scheduled pushes and Push stock now)"
                checked={pushDetails ?? s.pushDetails}
                disabled={details.pending}
                onChange={async (e) => {
                  const wanted = e.target.checked;
                  const saved = await details.run({ pushProductDetails: wanted });
                  if (saved) setPushDetails(saved.items.pushProductDetails);
                }}
              />
            </Setting>
          </Flex>
          <div role="status" aria-live="polite">
            {waitingSince !== null ? <Text marginTop="small">Stock push queued; its result shows here when it has run.</Text> : null}
          </div>
          {push.error ? <InlineMessage type="error" marginTop="small" messages={[{ text: push.error.message }]} /> : null}
          {details.error ? <InlineMessage type="error" marginTop="small" messages={[{ text: details.error.message }]} /> : null}
          {s.recent.length ? (
            <Box marginTop="medium">
              <Table
                columns={[
                  { header: 'When', hash: 'at', render: ({ at }) => dateTime(at) },
                  { header: 'SKU', hash: 'sku', render: ({ sku }) => sku ?? '—' },
                  { header: 'What happened', hash: 'message', render: ({ message }) => message },
                ]}
                items={s.recent.map((r, i) => ({ ...r, id: `${r.at}-${i}` }))}
                itemName="stock events"
              />
            </Box>
          ) : null}
        </Box>
      ) : null}
    </Panel>
  );
}
