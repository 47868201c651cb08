'use client';

import { Small } from '@bigcommerce/big-design';
import { CheckIcon, RemoveIcon } from '@bigcommerce/big-design-icons';
import { CheckboxContainer, CheckboxLabelContainer, HiddenCheckbox, StyledCheckbox } from '@bigcommerce/big-design/dist/es/components/Checkbox/styled';
import { StyledLabel } from '@bigcommerce/big-design/dist/es/components/Checkbox/Label/styled';
import { useId, type ComponentPropsWithoutRef } from 'react';

export type CheckboxProps = Omit<ComponentPropsWithoutRef<'input'>, 'type'> & {
  label: string;
  /** The label read by assistive technology only (the table's row and select-all boxes). */
  hiddenLabel?: boolean;
  isIndeterminate?: boolean;
  description?: string;
};

/**
 * BigDesign's Checkbox drawn from its own styled parts: the visually hidden input (which takes the other props, test ids
 * included, as BigDesign's does), the box with the check or the dash, the label and the description, named the same
 * way (the input is labelled by the label's id). Without what BigDesign's brings that no page here uses (a badge beside
 * the label, an image, a label or description given as elements, a description's link: BigDesign's
 * FormControlDescription is a Small plus that link, whose styles would come along), and without the Form barrel it
 * imports for its description: the pages' first load carries less (issue 16's budget of 150 KB of JavaScript per page,
 * README Performance).
 */
export function Checkbox({ label, hiddenLabel, isIndeterminate, description, className: _className, style: _style, ...props }: CheckboxProps) {
  const own = useId();
  const labelId = useId();
  const id = props.id ?? own;
  const { checked, disabled } = props;
  const dash = !checked && isIndeterminate === true;
  return (
    <CheckboxContainer>
      <HiddenCheckbox
        id={id}
        type="checkbox"
        {...props}
        aria-checked={checked}
        aria-labelledby={labelId}
        ref={(input: HTMLInputElement | null) => {
          if (input && typeof isIndeterminate === 'boolean') input.indeterminate = dash;
        }}
      />
      <StyledCheckbox $isIndeterminate={isIndeterminate} aria-hidden checked={checked} disabled={disabled} htmlFor={id}>
        {dash ? <RemoveIcon /> : <CheckIcon />}
      </StyledCheckbox>
      <CheckboxLabelContainer $hasContent>
        <StyledLabel aria-hidden={disabled} disabled={disabled} hidden={hiddenLabel} htmlFor={id} id={labelId}>
          {label}
        </StyledLabel>
        {description ? <Small>{description}</Small> : null}
      </CheckboxLabelContainer>
    </CheckboxContainer>
  );
}
