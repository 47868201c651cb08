'use client';

import { Small } from '@bigcommerce/big-design';
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
        <Mark dash={dash} />
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

/**
 * BigDesign's CheckIcon and RemoveIcon as they draw in a checkbox (their 24-unit paths, 1.5rem square, vertically
 * centred, in the box's colour), as one plain SVG: the icon components' wrappers are not on the pages' first load.
 */
function Mark({ dash }: { dash: boolean }) {
  return (
    <svg aria-hidden fill="currentColor" viewBox="0 0 24 24" style={{ verticalAlign: 'middle', width: '1.5rem', height: '1.5rem' }}>
      <path
        d={
          dash
            ? 'M18 13H6c-.55 0-1-.45-1-1s.45-1 1-1h12c.55 0 1 .45 1 1s-.45 1-1 1'
            : 'M9 16.17 5.53 12.7a.996.996 0 1 0-1.41 1.41l4.18 4.18c.39.39 1.02.39 1.41 0L20.29 7.71a.996.996 0 1 0-1.41-1.41z'
        }
      />
    </svg>
  );
}
