'use client';

import { Badge, Box, Button, H2, InlineMessage, Text } from '@bigcommerce/big-design';
import { Select } from './select';
import { Table } from './table';
import { useEffect, useState } from 'react';
import type { AcceptProposalBody, ProposalView } from '@/lib/admin/mapping-proposal';
import type { AccountPath, ProposalAction } from '@/lib/sync/mapping-proposal';
import { AppLink } from './app-link';
import { useMutation } from './hooks';
import { LoadError, Loading } from './page-state';
import { useApi } from './session';

const ACTION_LABELS: Record<ProposalAction, { label: string; variant: 'success' | 'secondary' | 'warning' }> = {
  replace: { label: 'Proposed', variant: 'success' },
  keep: { label: 'Kept', variant: 'secondary' },
  choose: { label: 'Needs your choice', variant: 'warning' },
};

/**
 * Onboarding's mappings step, right after connecting: every mapping proposed from the system's own chart with its
 * reason, a choice where nothing fits, and one button that saves them (nothing is saved before). `onDone` says the
 * step is complete: accepted (with the new settings version), or nothing to change.
 */
export function MappingProposalStep({ onDone }: { onDone: (done: { version: number | null }) => void }) {
  const view = useApi<ProposalView>('/api/admin/onboarding/proposal');
  const accept = useMutation<AcceptProposalBody, { ok: true; version: number; retried: number }>('POST', '/api/admin/onboarding/proposal');
  const [picks, setPicks] = useState<Partial<Record<AccountPath, string>>>({});
  const [accepted, setAccepted] = useState<{ retried: number } | null>(null);
  const nothingToDo = view.data !== undefined && (view.data.proposal === null || view.data.proposal.unchanged);
  useEffect(() => {
    if (nothingToDo) onDone({ version: null });
  }, [nothingToDo, onDone]);

  if (view.error && !view.data) return <LoadError what="the proposed mappings" error={view.error} onRetry={view.reload} />;
  if (!view.data) return <Loading label="Reading your chart of accounts…" minHeight={320} />;
  const { proposal, system, accounts } = view.data;
  if (!proposal || !system) return <Text>Orders are posted to the built-in ledger: its accounts are already mapped.</Text>;
  const nameOf = (code: string | null) => {
    if (code === null) return '—';
    const account = accounts.find((a) => a.code === code);
    return account ? (account.name.startsWith(code) ? account.name : `${code} ${account.name}`) : code;
  };
  const missing = proposal.needsChoice.filter((path) => !picks[path]);
  const fields = accept.error?.fields ?? {};

  return (
    <Box data-testid="mapping-proposal">
      <H2 marginBottom="small">Check the mappings</H2>
      <Text>
        These come from your {system.name} {system.tenantNoun}&apos;s own chart of accounts and tax rates, so the first order posts as it
        should. Nothing is saved until you accept; settings you chose before that still fit are kept.
      </Text>
      {view.data.storeError ? (
        <InlineMessage type="warning" messages={[{ text: `The store's recent orders could not be read (${view.data.storeError}): only ${system.name}'s own tax rates are proposed.` }]} />
      ) : null}
      <Box marginTop="medium">
        <Table
          data-testid="proposed-accounts"
          columns={[
            { header: 'Setting', hash: 'label', render: ({ label }) => label },
            {
              header: 'Account',
              hash: 'code',
              render: ({ path, action, code, candidates, label }) =>
                action === 'choose' ? (
                  <Box style={{ minWidth: 240 }}>
                    <Select
                      aria-label={`Account for ${label}`}
                      placeholder="Choose an account"
                      options={candidates.map((c) => ({ value: c, content: nameOf(c) }))}
                      value={picks[path]}
                      error={fields[path]}
                      disabled={accepted !== null}
                      onOptionChange={(value) => value && setPicks({ ...picks, [path]: value })}
                    />
                  </Box>
                ) : (
                  <span data-testid={`proposed-${path}`}>{nameOf(code)}</span>
                ),
            },
            {
              header: '',
              hash: 'action',
              render: ({ action }) => <Badge label={ACTION_LABELS[action].label} variant={ACTION_LABELS[action].variant} />,
            },
            { header: 'Why', hash: 'reason', render: ({ reason }) => reason },
          ]}
          items={proposal.accounts.map((a) => ({ ...a, id: a.path }))}
        />
      </Box>
      {proposal.taxRates.length > 0 || proposal.zeroTax ? (
        <Box marginTop="medium">
          <Table
            data-testid="proposed-tax"
            columns={[
              { header: 'Tax rate', hash: 'what', render: ({ what }) => what },
              { header: `${system.name} tax rate`, hash: 'taxName', render: ({ taxName }) => taxName ?? '—' },
              { header: '', hash: 'action', render: ({ action }) => <Badge label={ACTION_LABELS[action].label} variant={ACTION_LABELS[action].variant} /> },
              { header: 'Why', hash: 'reason', render: ({ reason }) => reason },
            ]}
            items={[
              ...proposal.taxRates.map((t) => ({
                id: `rate-${t.name ?? ''}-${t.rate}`,
                what: t.name ? `${t.name} ${t.rate}% (in your orders)` : `${t.rate}%`,
                taxName: t.taxName,
                action: t.action,
                reason: t.reason,
              })),
              ...(proposal.zeroTax
                ? [{ id: 'zero', what: 'Lines without tax', taxName: proposal.zeroTax.taxName, action: proposal.zeroTax.action, reason: proposal.zeroTax.reason }]
                : []),
            ]}
          />
        </Box>
      ) : null}
      {proposal.droppedPaymentMappings.length > 0 ? (
        <InlineMessage
          type="info"
          messages={proposal.droppedPaymentMappings.map((m) => ({ text: `${m.method} was mapped to ${m.account}, which is not in ${system.name}: it will use the default account for payments.` }))}
        />
      ) : null}
      {accept.error && Object.keys(fields).length === 0 ? <InlineMessage type="error" messages={[{ text: accept.error.message }]} /> : null}
      {Object.keys(fields).length > 0 ? (
        <InlineMessage type="error" header="These mappings were not saved" messages={Object.entries(fields).map(([path, text]) => ({ text: `${path}: ${text}` }))} />
      ) : null}
      {accepted ? (
        <Box marginTop="medium" data-testid="proposal-accepted">
          <InlineMessage
            type="success"
            messages={[{ text: `Mappings saved.${accepted.retried > 0 ? ` ${accepted.retried} order(s) that could not be posted before are being posted again.` : ''}` }]}
          />
        </Box>
      ) : proposal.unchanged ? (
        <Box marginTop="medium">
          <Text data-testid="proposal-unchanged">Your mappings already fit {system.name}: nothing to change.</Text>
        </Box>
      ) : (
        <Box marginTop="medium">
          {missing.length > 0 ? (
            <Text color="secondary60">
              Choose an account where it says so, then accept. For gift certificates and store credit a liability account fits best: if
              there is none, add one in {system.name} (for example &quot;Gift Vouchers&quot;) and come back to this step.
            </Text>
          ) : null}
          <Button
            isLoading={accept.pending}
            disabled={missing.length > 0}
            onClick={async () => {
              const done = await accept.run({
                expectedVersion: view.data!.version,
                choices: { ...proposal.choices, accounts: { ...proposal.choices.accounts, ...picks } },
              });
              if (done) {
                setAccepted({ retried: done.retried });
                onDone({ version: done.version });
              }
            }}
          >
            Accept these mappings
          </Button>
        </Box>
      )}
      <Box marginTop="small">
        <Text>
          Or <AppLink href="/mappings" testId="adjust-mappings">adjust them on the mappings page</AppLink> (you can come back to setup from the overview).
        </Text>
      </Box>
    </Box>
  );
}
