'use client';

import { Badge, Box, Button, Fieldset, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { Checkbox } from '../_components/checkbox';
import { Form } from '../_components/form';
import { Table } from '../_components/table';
import { useEffect, useState } from 'react';
import type { EmailSettingsView } from '@/lib/admin/notifications';
import type { NotificationKind } from '@/lib/notify/kinds';
import { useMutation } from '../_components/hooks';
import NotificationList from '../_components/notification-list';
import { LoadError, Loading, PageHeader } from '../_components/page-state';
import { useApi } from '../_components/session';

function EmailChoices({ view, onSaved }: { view: EmailSettingsView; onSaved: (v: EmailSettingsView) => void }) {
  const me = view.me;
  const [kinds, setKinds] = useState<NotificationKind[]>(me?.alertKinds ?? []);
  const [digest, setDigest] = useState(me?.digest ?? false);
  const save = useMutation<{ alertKinds: NotificationKind[]; digest: boolean }, EmailSettingsView>('PUT', '/api/admin/notifications/email');
  useEffect(() => {
    setKinds(me?.alertKinds ?? []);
    setDigest(me?.digest ?? false);
  }, [me]);
  if (!me) return <Text>Open Ledgerbridge from your control panel again to choose your emails.</Text>;
  return (
    <Form
      onSubmit={(e) => {
        e.preventDefault();
        void save.run({ alertKinds: kinds, digest }).then((v) => v && onSaved(v));
      }}
    >
      {me.bounced ? (
        <Box marginBottom="medium">
          <InlineMessage
            type="error"
            messages={[{ text: `Mail to ${me.email} bounced (${me.bounced.reason}), so no email is sent to it. Correct the address in your BigCommerce account.` }]}
          />
        </Box>
      ) : me.undeterminedBounce ? (
        <Box marginBottom="medium">
          <InlineMessage
            type="warning"
            messages={[{ text: `A mail to ${me.email} came back (${me.undeterminedBounce.reason}). Emails are still sent to it; if another comes back the same way, they stop. Check the address in your BigCommerce account.` }]}
          />
        </Box>
      ) : null}
      <Text>Emails go to {me.email}.</Text>
      <Fieldset legend="Email me an alert about">
        {view.kinds.map((k) => (
          <Checkbox
            key={k.kind}
            label={k.label}
            data-testid={`email-kind-${k.kind}`}
            checked={kinds.includes(k.kind)}
            onChange={(e) => setKinds(e.target.checked ? [...kinds, k.kind] : kinds.filter((x) => x !== k.kind))}
          />
        ))}
      </Fieldset>
      <Fieldset legend="Daily digest">
        <Checkbox label="Email me yesterday's summary every morning" checked={digest} onChange={() => setDigest(!digest)} data-testid="email-digest" />
        <Text>Yesterday in the store&apos;s time zone: orders posted, those that failed with the reasons, and what reconciliation found.</Text>
      </Fieldset>
      {save.error ? <InlineMessage type="error" messages={[{ text: save.error.message }]} /> : null}
      <Button type="submit" isLoading={save.pending} data-testid="email-save">
        Save my email choices
      </Button>
    </Form>
  );
}

export default function NotificationsPage() {
  const email = useApi<EmailSettingsView>('/api/admin/notifications/email');
  const [view, setView] = useState<EmailSettingsView | undefined>(undefined);
  const current = view ?? email.data;
  return (
    <>
      <PageHeader title="Notifications">
        <Text>What needs you, in the app and by email: orders that need a person, differences found by reconciliation, a lost connection, a finished backfill, stock the store refused.</Text>
      </PageHeader>
      <Panel header="Email">
        {email.error ? <LoadError what="the email settings" error={email.error} onRetry={email.reload} /> : null}
        {!current && !email.error ? <Loading label="Loading email settings" minHeight={120} /> : null}
        {current ? (
          <>
            {current.emailOn ? (
              <Text data-testid="email-status">Email is on: alerts (at most one an hour for each kind) and the daily digest are sent from {current.from}.</Text>
            ) : (
              <Box marginBottom="medium" data-testid="email-status">
                <InlineMessage
                  type="warning"
                  messages={[{ text: 'Email is off: this installation has no mail server (SMTP_URL is not set). Notifications still appear under the bell; ask whoever runs Ledgerbridge to set SMTP_URL to turn email on.' }]}
                />
              </Box>
            )}
            <EmailChoices view={current} onSaved={setView} />
          </>
        ) : null}
      </Panel>
      {current ? (
        <Panel header="Who gets email">
          <Table
            data-testid="email-recipients"
            columns={[
              { header: 'User', hash: 'user', render: (r) => `${r.email}${r.isOwner ? ' (owner)' : ''}` },
              { header: 'Alerts', hash: 'alerts', render: (r) => (r.alertKinds.length === 0 ? 'none' : `${r.alertKinds.length} of ${current.kinds.length} kinds`) },
              { header: 'Digest', hash: 'digest', render: (r) => (r.digest ? 'yes' : 'no') },
              {
                header: 'Address',
                hash: 'address',
                render: (r) =>
                  r.bounced ? <Badge variant="danger" label={`bounced: no mail sent`} title={r.bounced.reason} />
                  : r.undeterminedBounce ? <Badge variant="warning" label="bounced once: still sent" title={r.undeterminedBounce.reason} />
                  : <Badge variant="success" label="ok" />,
              },
            ]}
            items={current.recipients}
          />
        </Panel>
      ) : null}
      <Panel header="All notifications">
        <NotificationList onChanged={() => undefined} onNavigate={() => undefined} />
      </Panel>
    </>
  );
}
