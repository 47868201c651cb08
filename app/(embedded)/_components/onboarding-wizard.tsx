'use client';

import { Box, Button, Checkbox, Flex, H2, InlineMessage, Input, Panel, Radio, Select, Text } from '@bigcommerce/big-design';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { ProviderListing } from '@/lib/admin/connections';
import { RemoteConnectionCard, type RemoteConnectionView } from './connection-card';
import { STATUS_EXPLANATIONS } from './format';
import { useMutation, useStatuses } from './hooks';
import { LoadError, Loading } from './page-state';
import { useApi } from './session';

interface OnboardingState {
  completedAt: string | null;
  providers: ProviderListing[];
  version: number;
  orders: { importStatusIds: number[]; ignoredStatusIds: number[]; statusAfterImport: number | null; statusOnError: number | null };
}

const STEPS = ['Accounting system', 'Order rules', 'Past orders', 'Finish'];

/** First open (after install) and re-runnable from the overview. */
export function OnboardingWizard({ welcome }: { welcome: boolean }) {
  const state = useApi<OnboardingState>('/api/admin/onboarding');
  const { statuses } = useStatuses();
  const router = useRouter();
  const finish = useMutation<unknown, { ok: true; backfillStarted: boolean }>('POST', '/api/admin/onboarding');
  const [step, setStep] = useState(0);
  const [provider, setProvider] = useState('ledger');
  const [orders, setOrders] = useState<OnboardingState['orders'] | null>(null);
  const [backfill, setBackfill] = useState(false);
  const [backfillFrom, setBackfillFrom] = useState('');
  const [remote, setRemote] = useState<RemoteConnectionView | null>(null);

  useEffect(() => {
    if (state.data && !orders) {
      setOrders(state.data.orders);
      // Running setup again starts from where the store posts today.
      const current = state.data.providers.find((p) => p.status === 'connected' || p.status === 'reconnect');
      if (current) setProvider(current.id);
    }
  }, [state.data, orders]);

  if (state.error && !state.data) return <LoadError what="the setup" error={state.error} onRetry={state.reload} />;
  if (!state.data || !orders) return <Loading label="Loading the setup…" minHeight={480} />;
  const fields = finish.error?.fields ?? {};
  const chosen = state.data.providers.find((p) => p.id === provider);
  const remoteChosen = chosen?.remote ? chosen : null;
  const remoteReady = remote?.status === 'connected';
  const destination = remoteChosen ? `${remoteChosen.name} (${remote?.tenantName ?? `your ${remoteChosen.tenantNoun}`})` : 'the built-in ledger';
  const statusOptions = statuses.map((s) => ({ value: s.id, content: s.label }));
  const toggleImport = (id: number, on: boolean) =>
    setOrders({
      ...orders,
      importStatusIds: on ? [...orders.importStatusIds, id].sort((a, b) => a - b) : orders.importStatusIds.filter((x) => x !== id),
      ignoredStatusIds: on ? orders.ignoredStatusIds.filter((x) => x !== id) : orders.ignoredStatusIds,
    });

  return (
    <Panel header={welcome ? 'Welcome to Ledgerbridge' : 'Set up Ledgerbridge'}>
      {welcome ? (
        <Text>
          Ledgerbridge is installed. From now on every eligible order can be posted to your books exactly once, with its status
          written back to your store. Three short steps and you are done.
        </Text>
      ) : null}
      {state.data.completedAt ? <Text color="secondary60">Setup was completed before; running it again keeps everything not shown here.</Text> : null}
      <Box marginVertical="large">
        <ol aria-label="Setup steps" style={{ display: 'flex', gap: '1.5rem', listStyle: 'none', margin: 0, padding: 0 }}>
          {STEPS.map((name, i) => (
            <li key={name} aria-current={i === step ? 'step' : undefined} style={{ fontWeight: i === step ? 700 : 400, color: i <= step ? '#313440' : '#5E637A' }}>
              {i + 1}. {name}
            </li>
          ))}
        </ol>
      </Box>

      {step === 0 ? (
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>
            <H2 marginBottom="small">Where should orders be posted?</H2>
          </legend>
          {state.data.providers.map((p) => (
            <Box key={p.id} marginBottom="small">
              <Radio
                name="provider"
                label={p.status === 'not_configured' ? `${p.name} (not set up on this installation)` : p.name}
                description={p.status === 'not_configured' ? `${p.description} To offer it, set ${p.needs.join(' and ')}.` : p.description}
                value={p.id}
                checked={provider === p.id}
                disabled={p.status === 'not_configured'}
                onChange={() => {
                  setProvider(p.id);
                  setRemote(null);
                }}
              />
            </Box>
          ))}
          {remoteChosen ? (
            <Box marginTop="medium">
              <RemoteConnectionCard key={remoteChosen.id} system={remoteChosen} showTest={false} onChange={setRemote} />
            </Box>
          ) : null}
          {fields.provider ? <InlineMessage type="error" messages={[{ text: fields.provider }]} /> : null}
        </fieldset>
      ) : null}

      {step === 1 ? (
        <Box>
          <H2 marginBottom="small">Which orders are sales?</H2>
          <Text>Orders reaching a ticked status are posted. The others are never posted (cancelled and refunded ones void or credit a posted document).</Text>
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="sr-only" style={{ position: 'absolute', left: -9999 }}>Statuses to post</legend>
            {statuses.map((s) => (
              <Box key={s.id} marginBottom="xSmall">
                <Checkbox
                  label={s.label}
                  description={STATUS_EXPLANATIONS[s.id] ?? ''}
                  checked={orders.importStatusIds.includes(s.id)}
                  onChange={(e) => toggleImport(s.id, e.target.checked)}
                />
              </Box>
            ))}
          </fieldset>
          {fields['orders.importStatusIds'] ? <InlineMessage type="error" messages={[{ text: fields['orders.importStatusIds'] }]} /> : null}
          <Flex flexGap="1.5rem" marginTop="medium" flexWrap="wrap">
            <Box style={{ minWidth: 280 }}>
              <Select
                label="Status after posting"
                description="Written back to the order once it is in your books."
                options={[{ value: -1, content: 'Leave the status unchanged' }, ...statusOptions]}
                value={orders.statusAfterImport ?? -1}
                error={fields['orders.statusAfterImport']}
                onOptionChange={(v) => setOrders({ ...orders, statusAfterImport: v === undefined || v < 0 ? null : v })}
              />
            </Box>
            <Box style={{ minWidth: 280 }}>
              <Select
                label="Status when an order cannot be posted"
                description="So you can find it in the order list."
                options={[{ value: -1, content: 'Leave the status unchanged' }, ...statusOptions]}
                value={orders.statusOnError ?? -1}
                error={fields['orders.statusOnError']}
                onOptionChange={(v) => setOrders({ ...orders, statusOnError: v === undefined || v < 0 ? null : v })}
              />
            </Box>
          </Flex>
        </Box>
      ) : null}

      {step === 2 ? (
        <Box>
          <H2 marginBottom="small">Past orders</H2>
          <Text>New orders are posted from now on. You can also post the orders you already have, from a date.</Text>
          <Checkbox label="Post past orders too" checked={backfill} onChange={(e) => setBackfill(e.target.checked)} />
          {backfill ? (
            <Box marginTop="small" style={{ maxWidth: 280 }}>
              <Input
                label="Post orders placed since"
                type="date"
                value={backfillFrom}
                error={fields.backfillFrom}
                onChange={(e) => setBackfillFrom(e.target.value)}
                required
              />
            </Box>
          ) : null}
        </Box>
      ) : null}

      {step === 3 ? (
        <Box>
          <H2 marginBottom="small">Ready</H2>
          <Text>
            Orders in {orders.importStatusIds.length} status{orders.importStatusIds.length === 1 ? '' : 'es'} will be posted to {destination}
            {backfill && backfillFrom ? `, starting with the orders placed since ${backfillFrom}` : ''}.
          </Text>
          {finish.error && Object.keys(fields).length === 0 ? <InlineMessage type="error" messages={[{ text: finish.error.message }]} /> : null}
          {Object.keys(fields).length > 0 ? (
            <InlineMessage type="error" header="Please check these answers" messages={Object.values(fields).map((text) => ({ text }))} />
          ) : null}
        </Box>
      ) : null}

      <Flex justifyContent="space-between" marginTop="large">
        <Button variant="subtle" disabled={step === 0} onClick={() => setStep(step - 1)}>
          Back
        </Button>
        {step < 3 ? (
          <Button
            onClick={() => setStep(step + 1)}
            disabled={(step === 0 && remoteChosen !== null && !remoteReady) || (step === 1 && orders.importStatusIds.length === 0) || (step === 2 && backfill && !backfillFrom)}
          >
            Next
          </Button>
        ) : (
          <Button
            isLoading={finish.pending}
            onClick={async () => {
              const done = await finish.run({
                provider,
                expectedVersion: state.data!.version,
                orders,
                backfillFrom: backfill && backfillFrom ? backfillFrom : null,
              });
              if (done) router.push(done.backfillStarted ? '/order-rules' : '/');
            }}
          >
            Finish setup
          </Button>
        )}
      </Flex>
    </Panel>
  );
}
