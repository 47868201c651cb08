'use client';

import { Box, Button, Flex, H2, InlineMessage, Panel, Radio, Text } from '@bigcommerce/big-design';
import { useRouter } from 'next/navigation';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { ProviderListing } from '@/lib/admin/connections';
import { RemoteConnectionCard, type RemoteConnectionView } from './remote-connection-card';
import { useMutation } from './hooks';
import { useStatuses } from './use-statuses';
import { LoadError, Loading } from './page-state';
import { useApi } from './session';

// The wizard opens on its first step (where orders go); the later steps' tables and menus are fetched when reached.
const MappingProposalStep = lazy(() => import('./mapping-proposal-step').then((m) => ({ default: m.MappingProposalStep })));
const OrderRulesStep = lazy(() => import('./onboarding-steps').then((m) => ({ default: m.OrderRulesStep })));
const PastOrdersStep = lazy(() => import('./onboarding-steps').then((m) => ({ default: m.PastOrdersStep })));

export interface OnboardingState {
  completedAt: string | null;
  providers: ProviderListing[];
  version: number;
  orders: { importStatusIds: number[]; ignoredStatusIds: number[]; statusAfterImport: number | null; statusOnError: number | null };
  /** Past orders from this date, ticked, on first open (set by the deployment; the demo sets it). */
  suggestedBackfillFrom: string | null;
}

const STEPS = ['Accounting system', 'Order rules', 'Past orders', 'Finish'];
/** With a remote system, its proposed mappings are checked right after connecting (nothing is saved before). */
const REMOTE_STEPS = ['Accounting system', 'Mappings', 'Order rules', 'Past orders', 'Finish'];

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
  const [mappingsDone, setMappingsDone] = useState(false);
  const reload = state.reload;
  const mappingsChecked = useCallback(
    (done: { version: number | null }) => {
      setMappingsDone(true);
      // Accepting saved a new settings version: finishing must build on it.
      if (done.version !== null) reload();
    },
    [reload],
  );

  useEffect(() => {
    if (state.data && !orders) {
      setOrders(state.data.orders);
      // Running setup again starts from where the store posts today.
      const current = state.data.providers.find((p) => p.status === 'connected' || p.status === 'reconnect');
      if (current) setProvider(current.id);
      if (state.data.suggestedBackfillFrom) {
        setBackfill(true);
        setBackfillFrom(state.data.suggestedBackfillFrom);
      }
    }
  }, [state.data, orders]);

  if (state.error && !state.data) return <LoadError what="the setup" error={state.error} onRetry={state.reload} />;
  if (!state.data || !orders) return <Loading label="Loading the setup…" minHeight={480} />;
  const fields = finish.error?.fields ?? {};
  const chosen = state.data.providers.find((p) => p.id === provider);
  const remoteChosen = chosen?.remote ? chosen : null;
  const remoteReady = remote?.status === 'connected';
  const steps = remoteChosen ? REMOTE_STEPS : STEPS;
  const current = steps[step] ?? 'Accounting system';
  const last = steps.length - 1;
  const destination = remoteChosen ? `${remoteChosen.name} (${remote?.tenantName ?? `your ${remoteChosen.tenantNoun}`})` : 'the built-in ledger';
  return (
    <Panel header={welcome ? 'Welcome to Ledgerbridge' : 'Set up Ledgerbridge'}>
      {welcome ? (
        <Text>
          Ledgerbridge is installed. From now on every eligible order can be posted to your books exactly once, with its status
          written back to your store. A few short steps and you are done.
        </Text>
      ) : null}
      {state.data.completedAt ? <Text color="secondary60">Setup was completed before; running it again keeps everything not shown here.</Text> : null}
      <Box marginVertical="large">
        <ol aria-label="Setup steps" style={{ display: 'flex', gap: '1.5rem', listStyle: 'none', margin: 0, padding: 0 }}>
          {steps.map((name, i) => (
            <li key={name} aria-current={i === step ? 'step' : undefined} style={{ fontWeight: i === step ? 700 : 400, color: i <= step ? '#313440' : '#5E637A' }}>
              {i + 1}. {name}
            </li>
          ))}
        </ol>
      </Box>

      {current === 'Accounting system' ? (
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
                  setMappingsDone(false);
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

      {current === 'Mappings' ? (
        <Suspense fallback={<Loading label="Loading the mappings" />}>
          <MappingProposalStep onDone={mappingsChecked} />
        </Suspense>
      ) : null}

      {current === 'Order rules' ? (
        <Suspense fallback={<Loading label="Loading the order rules" />}>
          <OrderRulesStep orders={orders} setOrders={setOrders} statuses={statuses} fields={fields} />
        </Suspense>
      ) : null}

      {current === 'Past orders' ? (
        <Suspense fallback={<Loading label="Loading the past orders step" />}>
          <PastOrdersStep backfill={backfill} setBackfill={setBackfill} backfillFrom={backfillFrom} setBackfillFrom={setBackfillFrom} fields={fields} />
        </Suspense>
      ) : null}

      {current === 'Finish' ? (
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
        {step < last ? (
          <Button
            onClick={() => setStep(step + 1)}
            disabled={
              (current === 'Accounting system' && remoteChosen !== null && !remoteReady) ||
              (current === 'Mappings' && !mappingsDone) ||
              (current === 'Order rules' && orders.importStatusIds.length === 0) ||
              (current === 'Past orders' && backfill && !backfillFrom)
            }
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
              // With past orders to post: straight to the backfill's progress (order rules › Post past orders).
              if (done) router.push(done.backfillStarted ? '/order-rules#backfill' : '/');
            }}
          >
            Finish setup
          </Button>
        )}
      </Flex>
    </Panel>
  );
}
