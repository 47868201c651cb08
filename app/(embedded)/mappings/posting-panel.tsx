'use client';

import { Box, Button, Flex, InlineMessage, Panel, Text } from '@bigcommerce/big-design';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { Select } from '../_components/select';
import type { PostingOptionsView } from '@/lib/admin/posting-options';
import type { PostingSettings, SettingsForm } from '@/lib/admin/settings-form';

// The mappings page's panel for a connected remote system: fetched only for a store posting to one, so a
// store on the built-in ledger does not load it (issue 16's JavaScript budget).

type FormSettings = SettingsForm;
const NO_TRACKING = '__none__';
const NO_ACCOUNT = '__none__';

/**
 * How documents are posted where the system has the choice: approved or draft, and one tracking option on every
 * line, chosen from the categories the system has now. Saved with the rest of the mappings.
 */
export function PostingPanel({
  form,
  update,
  view,
  fields,
  onRetry,
  accounts,
}: {
  form: FormSettings;
  update: (next: FormSettings) => void;
  view: PostingOptionsView;
  fields: Record<string, string>;
  onRetry: () => void;
  accounts: Array<{ code: string; name: string; type: string }>;
}) {
  const { name, drafts, trackingNoun } = view.system;
  const posting = form.posting;
  const setPosting = (next: Partial<PostingSettings>) => update({ ...form, posting: { ...posting, ...next } });
  const chosen = posting.tracking;
  const category = chosen ? view.trackingCategories.find((c) => c.name.toLowerCase() === chosen.category.toLowerCase()) : undefined;
  const notThere = `(not in ${name})`;
  // A saved choice the system no longer has stays visible (and is warned about) until the merchant changes it.
  const categoryOptions = [
    { value: NO_TRACKING, content: 'No tracking' },
    ...view.trackingCategories.map((c) => ({ value: c.name, content: c.name })),
    ...(chosen && !category ? [{ value: chosen.category, content: `${chosen.category} ${notThere}` }] : []),
  ];
  const optionOptions = [
    ...(category?.options ?? []).map((o) => ({ value: o.name, content: o.name })),
    ...(chosen && !category?.options.some((o) => o.name.toLowerCase() === chosen.option.toLowerCase()) ? [{ value: chosen.option, content: `${chosen.option} ${notThere}` }] : []),
  ];
  const trackingProblem = fields['posting.tracking.category'] ?? fields['posting.tracking.option'] ?? fields['posting.tracking'] ?? view.fieldWarnings['posting.tracking'];
  const trackingLabel = trackingNoun ? trackingNoun.charAt(0).toUpperCase() + trackingNoun.slice(1) : '';
  return (
    <Panel header={name} description={`How orders become documents in your ${name} ${view.system.tenantNoun}.`}>
      {drafts ? (
        <Box style={{ maxWidth: 420 }} data-setting="posting.approval">
          <FormGroup>
            <Select
              label="Document status"
              description={`Approved documents are in your books at once; drafts wait for you to review and approve them in ${name}.`}
              options={[
                { value: 'approved' as const, content: 'Approved' },
                { value: 'draft' as const, content: 'Draft' },
              ]}
              value={posting.approval}
              error={fields['posting.approval']}
              onOptionChange={(value) => value && setPosting({ approval: value })}
            />
          </FormGroup>
        </Box>
      ) : null}
      {drafts && posting.approval === 'draft' ? (
        <Box marginBottom="medium">
          <InlineMessage
            type="info"
            header="Payments are not recorded on drafts"
            messages={[
              {
                text: `${name} accepts payments only on approved invoices, so a paid order’s payment is not sent while its invoice is a draft. Approve the invoice in ${name} and apply the payment there.`,
              },
            ]}
          />
        </Box>
      ) : null}
      {trackingNoun && view.error ? (
        <Box marginBottom="medium">
          <InlineMessage type="warning" header="Tracking categories unavailable" messages={[{ text: view.error }]} actions={[{ text: 'Try again', onClick: onRetry }]} />
        </Box>
      ) : null}
      {trackingNoun ? (
        <Flex flexGap="1.5rem" flexWrap="wrap">
          <Box style={{ minWidth: 280 }} data-setting="posting.tracking.category">
            <Select
              label={trackingLabel}
              description={view.trackingCategories.length === 0 && !view.error ? `${name} has no ${trackingNoun} to choose.` : 'Every line of every document is tracked.'}
              options={categoryOptions}
              value={chosen ? (category?.name ?? chosen.category) : NO_TRACKING}
              error={trackingProblem}
              onOptionChange={(value) => {
                if (!value || value === NO_TRACKING) return setPosting({ tracking: null });
                const next = view.trackingCategories.find((c) => c.name === value);
                const first = next?.options[0]?.name;
                setPosting({ tracking: first ? { category: value, option: first } : null });
              }}
            />
          </Box>
          {chosen ? (
            <Box style={{ minWidth: 280 }} data-setting="posting.tracking.option">
              <Select
                label="Tracking option"
                description="The option those lines get."
                options={optionOptions}
                value={category?.options.find((o) => o.name.toLowerCase() === chosen.option.toLowerCase())?.name ?? chosen.option}
                onOptionChange={(value) => value && setPosting({ tracking: { category: chosen.category, option: value } })}
              />
            </Box>
          ) : null}
        </Flex>
      ) : null}
      {trackingNoun ? <ChannelTracking posting={posting} setPosting={setPosting} view={view} fields={fields} /> : null}
      <Text bold marginTop="large" marginBottom="xxSmall">
        Items imported as tracked inventory
      </Text>
      <Text color="secondary60">
        {name} tracks an item&apos;s stock only with an inventory asset account and a cost-of-goods-sold account. With both
        chosen, &quot;Import items&quot; creates the products BigCommerce tracks as tracked items; without them it
        creates them untracked and says so.
      </Text>
      <Flex flexGap="1.5rem" flexWrap="wrap">
        {(
          [
            ['inventoryAssetAccount', 'Inventory asset account', 'asset'],
            ['costOfGoodsSoldAccount', 'Cost of goods sold account', 'expense'],
          ] as const
        ).map(([key, label, type]) => (
          <Box key={key} style={{ minWidth: 280 }} data-setting={`items.${key}`}>
            <Select
              label={label}
              options={[
                { value: NO_ACCOUNT, content: 'None (import items untracked)' },
                ...accounts.filter((a) => a.type === type).map((a) => ({ value: a.code, content: `${a.code} ${a.name}` })),
              ]}
              value={form.items[key] ?? NO_ACCOUNT}
              error={fields[`items.${key}`]}
              onOptionChange={(value) => update({ ...form, items: { ...form.items, [key]: !value || value === NO_ACCOUNT ? null : value } })}
            />
          </Box>
        ))}
      </Flex>
    </Panel>
  );
}

/** `posting.trackingByChannel`: a channel's orders get their own tracking option instead of the one above. */
function ChannelTracking({
  posting,
  setPosting,
  view,
  fields,
}: {
  posting: PostingSettings;
  setPosting: (next: Partial<PostingSettings>) => void;
  view: PostingOptionsView;
  fields: Record<string, string>;
}) {
  const rows = posting.trackingByChannel;
  const set = (next: PostingSettings['trackingByChannel']) => setPosting({ trackingByChannel: next });
  const optionsOf = (category: string) => [
    ...(view.trackingCategories.find((c) => c.name === category)?.options ?? []).map((o) => ({ value: `${category}\u0000${o.name}`, content: `${category}: ${o.name}` })),
  ];
  const all = view.trackingCategories.flatMap((c) => optionsOf(c.name));
  const first = all[0]?.value.split('\u0000');
  return (
    <Box marginTop="medium" data-setting="posting.trackingByChannel">
      <Text bold marginBottom="xxSmall">Tracking by channel</Text>
      <Text color="secondary60">Orders from these BigCommerce channels (Channel Manager; 1 is your storefront) get their own option; other orders get the one above.</Text>
      {rows.map((row, i) => {
        const value = `${row.category}\u0000${row.option}`;
        const choices = all.some((o) => o.value === value) ? all : [...all, { value, content: `${row.category}: ${row.option} (not in ${view.system.name})` }];
        return (
          <Flex key={i} flexGap="1rem" alignItems="flex-end" marginBottom="xSmall">
            {/* The control shows its own error (_components/input.tsx, select.tsx); the FormGroup keeps BigDesign's spacing. */}
            <FormGroup>
              <Input
                label="Channel id"
                type="number"
                min={1}
                value={String(row.channel)}
                error={fields[`posting.trackingByChannel.${i}.channel`]}
                onChange={(e) => {
                  const channel = Number(e.target.value);
                  if (Number.isInteger(channel) && channel > 0) set(rows.map((r, j) => (j === i ? { ...r, channel } : r)));
                }}
              />
            </FormGroup>
            <FormGroup>
              <Select
                label="Tracking option"
                options={choices}
                value={value}
                error={fields[`posting.trackingByChannel.${i}.option`] ?? fields[`posting.trackingByChannel.${i}.category`]}
                onOptionChange={(v) => {
                  if (!v) return;
                  const [category, option] = v.split('\u0000') as [string, string];
                  set(rows.map((r, j) => (j === i ? { ...r, category, option } : r)));
                }}
              />
            </FormGroup>
            <Button type="button" variant="subtle" onClick={() => set(rows.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </Flex>
        );
      })}
      {first ? (
        <Button
          type="button"
          variant="secondary"
          onClick={() => set([...rows, { channel: Math.max(1, ...rows.map((r) => r.channel)) + 1, category: first[0]!, option: first[1]! }])}
        >
          Add a channel
        </Button>
      ) : null}
    </Box>
  );
}
