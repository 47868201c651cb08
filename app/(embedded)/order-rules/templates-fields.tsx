'use client';

import { Text } from '@bigcommerce/big-design';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { Setting } from '../_components/setting';
import type { SettingsForm } from '@/lib/admin/settings-form';
import { LINE_TOKENS, REFERENCE_TOKENS, renderTemplate, templateProblem } from '@/lib/sync/templates';

/** An order to show the templates on, like the number prefix's "Order 1042 → BC-1042". */
const EXAMPLE_LINE = { name: 'Cotton Tee', sku: 'TEE-RED-L', options: 'Size: L, Colour: Red', productId: '77', quantity: '2' };
const EXAMPLE_ORDER = { orderId: '1042', channel: '1', customerName: 'Jane Doe', email: 'jane@example.com', date: '2026-03-10', paymentMethod: 'Credit Card' };

const problemOf = (template: string, tokens: readonly string[]): string | undefined =>
  template.trim() === '' ? 'Enter a template: text and tokens, such as {name}.' : (templateProblem(template, tokens) ?? undefined);

/** `lines.descriptionTemplate` and `document.referenceTemplate`, each with a live example and its unknown tokens named at once. */
export function TemplateFields(props: { form: SettingsForm; update: (next: SettingsForm) => void }) {
  const { form, update } = props;
  const line = form.lines.descriptionTemplate;
  const reference = form.document.referenceTemplate;
  // Checked as the merchant types, by all of the schema's rules (lib/sync/settings.ts `template`; the input's maxLength
  // is its 200): the server refuses the same values, but its message is about the value that was sent and would stay
  // on screen after the merchant corrected it.
  const lineProblem = problemOf(line, LINE_TOKENS);
  const referenceProblem = problemOf(reference, REFERENCE_TOKENS);
  return (
    <>
      <Setting path="lines.descriptionTemplate">
        <FormGroup>
          <Input
            label="Line description"
            description={`Tokens: ${LINE_TOKENS.map((t) => `{${t}}`).join(' ')}. A bracketed part whose tokens are empty is left out. Text longer than your system allows is shortened, and the order’s activity says so.`}
            value={line}
            error={lineProblem}
            maxLength={200}
            onChange={(e) => update({ ...form, lines: { ...form.lines, descriptionTemplate: e.target.value } })}
          />
          <Text marginTop="xSmall" data-testid="description-example" aria-live="polite">
            {lineProblem ? '' : `${renderTemplate(line, EXAMPLE_LINE)} · without options: ${renderTemplate(line, { ...EXAMPLE_LINE, options: '' })}`}
          </Text>
        </FormGroup>
      </Setting>
      <Setting path="document.referenceTemplate">
        <FormGroup>
          <Input
            label="Document reference"
            description={`Tokens: ${REFERENCE_TOKENS.map((t) => `{${t}}`).join(' ')}.`}
            value={reference}
            error={referenceProblem}
            maxLength={200}
            onChange={(e) => update({ ...form, document: { ...form.document, referenceTemplate: e.target.value } })}
          />
          <Text marginTop="xSmall" data-testid="reference-example" aria-live="polite">
            {referenceProblem ? '' : `Order 1042 → ${renderTemplate(reference, EXAMPLE_ORDER)}`}
          </Text>
        </FormGroup>
      </Setting>
    </>
  );
}
