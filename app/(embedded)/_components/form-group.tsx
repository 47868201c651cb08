'use client';

import { StyledGroup, StyledInlineGroup } from '@bigcommerce/big-design/dist/es/components/Form/Group/styled';
import { useFormContext } from '@bigcommerce/big-design/dist/es/components/Form/useFormContext';
import { Children, isValidElement, type ReactNode } from 'react';

/**
 * BigDesign's FormGroup: its fields stacked with its gaps, and from a tablet's width two or three fields side by side
 * (200 or 128px each, or shares of the line in a fullWidth Form). BigDesign keeps a group whose children are all
 * Checkboxes or Radios stacked; telling them apart without importing them, a child counts as one if it takes a
 * `checked` prop (the Checkbox and Radio do, no other field here does). It draws no errors: the fields of ./input.tsx,
 * ./textarea.tsx and ./select.tsx draw their own (BigDesign's group-level `errors` prop is not used here).
 */
export function FormGroup({ children }: { children?: ReactNode }) {
  const { fullWidth } = useFormContext();
  const count = Children.count(children);
  const choices = Children.toArray(children).every((child) => isValidElement<{ checked?: unknown }>(child) && typeof child.props.checked === 'boolean');
  return choices ? (
    <StyledGroup>
      {children}
    </StyledGroup>
  ) : (
    <StyledInlineGroup $childrenCount={count} $fullWidth={fullWidth}>
      {children}
    </StyledInlineGroup>
  );
}
