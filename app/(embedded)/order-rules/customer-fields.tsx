'use client';

import { Text } from '@bigcommerce/big-design';
import { Checkbox } from '../_components/checkbox';
import { FormGroup } from '../_components/form-group';
import { Input } from '../_components/input';
import { Setting } from '../_components/setting';
import type { SettingsForm } from '@/lib/admin/settings-form';
import { CUSTOMER_NAME_TOKENS, customerNameFrom, templateProblem } from '@/lib/sync/templates';

/** Shoppers to show the name template on: one buying for a company, one for themselves. */
const WITH_COMPANY = { firstName: 'Jane', lastName: 'Doe', company: 'Acme Ltd' };
const WITHOUT_COMPANY = { firstName: 'Ann', lastName: 'Poe', company: '' };

/** `customers.nameTemplate` with a live example and its unknown tokens named at once, and `customers.shippingNameContact`. */
export function CustomerFields(props: { form: SettingsForm; fields: Record<string, string>; patch: (change: Partial<SettingsForm['customers']>) => void }) {
  const { form, fields: f, patch } = props;
  const template = form.customers.nameTemplate;
  const problem = f['customers.nameTemplate'] ?? templateProblem(template, CUSTOMER_NAME_TOKENS) ?? undefined;
  return (
    <>
      <Setting path="customers.nameTemplate">
        <FormGroup>
          <Input
            label="Customer name"
            description={`How a shopper’s customer is named in your books. Tokens: ${CUSTOMER_NAME_TOKENS.map((t) => `{${t}}`).join(' ')}; default {firstName} {lastName}. Use {company} to name them after their billing company: without one, the first and last name.`}
            value={template}
            error={problem}
            maxLength={200}
            onChange={(e) => patch({ nameTemplate: e.target.value })}
          />
          <Text marginTop="xSmall" data-testid="customer-name-example" aria-live="polite">
            {problem ? '' : `Jane Doe of Acme Ltd → ${customerNameFrom(template, WITH_COMPANY)} · Ann Poe, no company → ${customerNameFrom(template, WITHOUT_COMPANY)}`}
          </Text>
        </FormGroup>
      </Setting>
      <Setting path="customers.shippingNameContact">
        <FormGroup>
          <Checkbox
            label="An order shipped to someone else goes to a customer of their own"
            description="Off (default): the buyer is the customer. On: when the shipping name differs from the billing name, the order is posted to a customer with the recipient’s name (an existing one with that name, else a new one with the shipping address), as Saasu’s connector does. Not with one customer for all orders."
            checked={form.customers.shippingNameContact}
            onChange={(e) => patch({ shippingNameContact: e.target.checked })}
          />
        </FormGroup>
      </Setting>
    </>
  );
}
