'use client';

import { Panel, Text } from '@bigcommerce/big-design';
import { Select } from '../_components/select';
import type { CSSProperties, ReactNode } from 'react';
import { STATUS_EXPLANATIONS } from '../_components/status-explanations';
import type { StatusOption } from '../_components/statuses';
import type { SettingsForm } from '@/lib/admin/settings-form';
import {
  booksStatus,
  BOOKS_ROWS,
  choiceLabel,
  choiceOf,
  NO_RULE,
  STORE_RULE_PATHS,
  STORE_RULES,
  statusRows,
  withBooksStatus,
  withChoice,
} from '@/lib/admin/status-table';

const cell: CSSProperties = { padding: '8px 12px', borderBottom: '1px solid #D9DCE9', textAlign: 'left', verticalAlign: 'middle' };
const section: CSSProperties = { ...cell, background: '#F6F7FC', fontWeight: 600, paddingTop: 16 };
const GROUP: CSSProperties = { display: 'grid', gap: '0.5rem 1rem' };

/** Every status setting as one table (lib/admin/status-table.ts): store → books rows, then books → store rows. */
export function StatusTable(props: { form: SettingsForm; fields: Record<string, string>; statuses: StatusOption[]; update: (next: SettingsForm) => void }) {
  const { form, fields: f, statuses, update } = props;
  const o = form.orders;
  const leaveAlone = { value: -1, content: 'Leave the status unchanged' };
  const statusOptions = [leaveAlone, ...statuses.map((s) => ({ value: s.id, content: s.label }))];
  const storeErrors = STORE_RULE_PATHS.filter((path) => f[path]);

  // Each list key marks the table: the table is the one control of all four (data-setting, settings-controls.ts).
  const marked = STORE_RULE_PATHS.reduce<ReactNode>(
    (inner, path) => <div data-setting={path}>{inner}</div>,
    <>
      <table style={{ width: '100%', borderCollapse: 'collapse' }} data-testid="status-table">
        <caption style={{ textAlign: 'left', marginBottom: 8 }}>
          <Text color="secondary60" marginBottom="none">
            Your store’s own status names. Orders are posted only in a status that says so, and each change is made once.
          </Text>
        </caption>
        <tbody>
          <tr>
            <th scope="colgroup" colSpan={2} style={section}>
              From your store to your books: when an order enters this status
            </th>
          </tr>
          {statusRows(o, statuses).map(({ id, label }) => {
            const choice = choiceOf(o, id);
            const options = [...STORE_RULES.map((r) => ({ value: r.rule as string, content: r.label, description: r.description })), { value: NO_RULE, content: choiceLabel(NO_RULE), description: 'Not posted; a posted order is left as it is.' }];
            // A status saved with several rules (through the API or CLI) shows them, never silently one of them.
            if (!options.some((x) => x.value === choice)) options.push({ value: choice, content: choiceLabel(choice), description: 'Saved this way outside the page.' });
            return (
              <tr key={id} data-status-row={id}>
                <th scope="row" style={{ ...cell, fontWeight: 400, width: '45%' }}>
                  <Text marginBottom="none" bold>
                    {label}
                  </Text>
                  {STATUS_EXPLANATIONS[id] ? (
                    <Text marginBottom="none" color="secondary60">
                      {STATUS_EXPLANATIONS[id]}
                    </Text>
                  ) : null}
                </th>
                <td style={cell}>
                  <Select
                    aria-label={`Your books when an order enters ${label}`}
                    options={options}
                    value={choice}
                    onOptionChange={(v) => v && update({ ...form, orders: withChoice(o, id, v) })}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
        <tbody>
          <tr>
            <th scope="colgroup" colSpan={2} style={section}>
              From your books to your store: set the order’s status when
              <Text marginBottom="none" color="secondary60" as="span">
                {' '}
                (off unless chosen; set once, and the change is never posted back. A connected system tells the app through its webhooks where it sends them.)
              </Text>
            </th>
          </tr>
          {BOOKS_ROWS.map(({ path, label }) => {
            const current = booksStatus(form, path);
            // A status saved earlier that the store no longer lists stays visible until it is changed.
            const options = current === null || statuses.some((s) => s.id === current) ? statusOptions : [...statusOptions, { value: current, content: `Status ${current}` }];
            return (
              <tr key={path} data-setting={path}>
                <th scope="row" style={{ ...cell, fontWeight: 400 }}>
                  <Text marginBottom="none" bold>
                    {label}
                  </Text>
                </th>
                <td style={cell}>
                  {/* The control shows its own error (_components/input.tsx, select.tsx). BigDesign's FormGroup spacing for one
                      field (a grid with its gaps; no margin under the last group), without importing it for the first screen. */}
                  <div style={GROUP}>
                    <Select
                      aria-label={`Order status when ${label.toLowerCase()}`}
                      options={options}
                      value={current ?? -1}
                      error={f[path]}
                      onOptionChange={(v) => update(withBooksStatus(form, path, v === undefined || v < 0 ? null : v))}
                    />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {storeErrors.map((path) => (
        <div key={path} data-field-error={path}>
          <Text color="danger" marginTop="xSmall">
            {f[path]}
          </Text>
        </div>
      ))}
    </>,
  );

  return (
    <Panel header="Statuses" description="One table for both directions: what an order entering a BigCommerce status does to your books, and what your books set the order’s status to.">
      {marked}
    </Panel>
  );
}
