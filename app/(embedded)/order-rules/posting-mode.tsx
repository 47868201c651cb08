'use client';

import { Box, Panel, Radio, Text } from '@bigcommerce/big-design';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { AppLink } from '../_components/app-link';
import { Setting } from '../_components/setting';
import type { SettingsForm } from '@/lib/admin/settings-form';

type Posting = SettingsForm['posting'];

/**
 * `posting.mode`, `posting.summaryFrom`, `posting.summaryCloseHours`, `posting.summaryCustomer` and
 * `posting.summaryDocument` (lib/sync/settings.ts): one document per order, or one per day, currency and payment method
 * (lib/sync/summary), as sales documents or a journal.
 */
export function PostingModePanel({ posting, fields: f, onChange }: { posting: Posting; fields: Record<string, string>; onChange: (change: Partial<Posting>) => void }) {
  const summary = posting.mode === 'daily_summary';
  return (
    <Panel header="Posting mode" description="One document per order, or, for stores that sell a lot, one summary per day.">
      <Box marginBottom="medium">
        <AppLink href="/summaries" testId="summaries-link">See the daily summaries</AppLink>
      </Box>
      <Setting path="posting.mode">
        <FormGroup>
          <fieldset style={{ border: 0, padding: 0, margin: 0 }} aria-describedby={f['posting.mode'] ? 'posting-mode-error' : undefined}>
            <legend>
              <Text bold>How orders are posted</Text>
            </legend>
            <Radio
              label="One document per order (default)"
              description="Each order is its own invoice or sales receipt, with its customer."
              checked={!summary}
              onChange={() => onChange({ mode: 'per_order' })}
            />
            <Radio
              label="A daily summary"
              description="One document per day, currency and payment method: sales by account and tax rate, the day’s refunds as a credit, the payments to the method’s clearing account. Each order’s detail stays in the activity page."
              checked={summary}
              onChange={() => onChange({ mode: 'daily_summary' })}
            />
          </fieldset>
          {f['posting.mode'] ? (
            <Text id="posting-mode-error" color="danger" marginTop="xSmall">
              {f['posting.mode']}
            </Text>
          ) : null}
        </FormGroup>
      </Setting>
      <Setting path="posting.summaryFrom">
        <FormGroup>
          <Input
            label="Summaries from"
            description="Orders of this day on go into daily summaries; orders before it stay as they were posted. Empty: every order not posted yet. A day is never posted both ways."
            type="date"
            disabled={!summary}
            value={posting.summaryFrom ?? ''}
            error={f['posting.summaryFrom']}
            onChange={(e) => onChange({ summaryFrom: e.target.value || null })}
          />
        </FormGroup>
      </Setting>
      <Setting path="posting.summaryCloseHours">
        <FormGroup>
          <Input
            label="Close a day after (hours)"
            description="A day’s summary is posted when the day ends in your time zone and refreshed in place until it closes; later edits and refunds go into the day they happen. Default 24."
            type="number"
            disabled={!summary}
            value={Number.isNaN(posting.summaryCloseHours) ? '' : String(posting.summaryCloseHours)}
            error={f['posting.summaryCloseHours']}
            onChange={(e) => onChange({ summaryCloseHours: e.target.value.trim() === '' ? Number.NaN : Number(e.target.value) })}
          />
        </FormGroup>
      </Setting>
      <Setting path="posting.summaryCustomer">
        <FormGroup>
          <Input
            label="Summary customer"
            description="The customer every daily summary is posted to (found or created by this name in your books). Empty: one customer per payment method, “Online sales — Credit Card”."
            disabled={!summary}
            maxLength={100}
            value={posting.summaryCustomer ?? ''}
            error={f['posting.summaryCustomer']}
            onChange={(e) => onChange({ summaryCustomer: e.target.value === '' ? null : e.target.value })}
          />
        </FormGroup>
      </Setting>
      <SummaryDocumentSetting posting={posting} fields={f} onChange={onChange} disabled={!summary} />
    </Panel>
  );
}

/** `posting.summaryDocument`: what a summary is in the books (sales documents, or a journal). */
function SummaryDocumentSetting({ posting, fields: f, onChange, disabled }: { posting: Posting; fields: Record<string, string>; onChange: (change: Partial<Posting>) => void; disabled: boolean }) {
  const journal = posting.summaryDocument === 'journal';
  return (
    <Setting path="posting.summaryDocument">
      <FormGroup>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }} disabled={disabled} aria-describedby={f['posting.summaryDocument'] ? 'summary-document-error' : undefined}>
          <legend>
            <Text bold>Each summary is</Text>
          </legend>
          <Radio
            label="Sales documents (default)"
            description="An invoice (or sales receipt) paid into the method’s clearing account, and a credit note for the day’s refunds."
            checked={!journal}
            onChange={() => onChange({ summaryDocument: 'sales' })}
          />
          <Radio
            label="A journal"
            description="One journal entry per summary: the clearing account debited by what was paid in, sales and tax credited per account and rate (the tax on the tax liability account), refunds and later reductions reversed. Systems whose journals take a customer on Accounts Receivable book a day’s unpaid part there, on the summary customer, and other currencies where multicurrency is on; systems whose manual journals cannot use Accounts Receivable take only days paid in full, in the base currency. Tax posted this way is in the books to the cent but not on the system’s sales tax return by rate. The built-in ledger books a journal entry either way."
            checked={journal}
            onChange={() => onChange({ summaryDocument: 'journal' })}
          />
        </fieldset>
        {f['posting.summaryDocument'] ? (
          <Text id="summary-document-error" color="danger" marginTop="xSmall">
            {f['posting.summaryDocument']}
          </Text>
        ) : null}
      </FormGroup>
    </Setting>
  );
}
