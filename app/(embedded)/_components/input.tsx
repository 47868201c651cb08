'use client';

import { Flex, Small, type ChipProps } from '@bigcommerce/big-design';
import { ErrorIcon } from '@bigcommerce/big-design-icons';
import { FormControlError } from '@bigcommerce/big-design/dist/es/components/Form/Error';
import { FormControlLabel } from '@bigcommerce/big-design/dist/es/components/Form/Label';
import { StyledIconWrapper, StyledInput, StyledInputContent, StyledInputWrapper } from '@bigcommerce/big-design/dist/es/components/Input/styled';
import { cloneElement, isValidElement, useId, useState, type ComponentPropsWithoutRef, type FocusEvent, type ReactElement, type ReactNode, type Ref } from 'react';

/**
 * BigDesign's Input (and in ./textarea.tsx and ./form-group.tsx its Textarea and FormGroup, modules of their own so
 * that a page carries only those it uses) drawn from BigDesign's own styled parts (the same label, description,
 * bordered field, focus ring, red border on error and error line with its icon), without what BigDesign's versions
 * bring with them: its FormGroup imports its Checkbox and Radio (to tell a group of choices from a row of fields), and
 * its Input and Textarea import that FormGroup to report their errors to it, so a page with one Input carried both
 * (with the Chip and the Form barrel, 5.8 KB brotli; issue 16's budget of 150 KB of JavaScript per page, README
 * Performance).
 *
 * One difference, on purpose: BigDesign shows a field's error only inside a FormGroup, after the group's last child
 * and only once the page has run its effects. Here the field shows its own error right below it, from the first
 * render (server included), and names it, with its description, in the field's aria-describedby (and sets
 * aria-invalid). Use these together: BigDesign's FormGroup does not see these fields' errors, and ./form-group.tsx shows
 * none of BigDesign's fields' (the Select wrapper in ./select.tsx shows its own, see there).
 */

/**
 * The error line BigDesign's FormGroup draws (its StyledError is a row Flex): the danger icon and the message, below the
 * field at the distance the group's row gap gave it (xSmall).
 */
export function FieldError({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <Flex alignItems="center" flexDirection="row" id={id} marginTop="xSmall">
      <ErrorIcon color="danger" />
      {isValidElement(children) && children.type === FormControlError ? children : <FormControlError>{children}</FormControlError>}
    </Flex>
  );
}

export type Described = {
  description?: ReactNode;
  error?: ReactNode | ReactNode[];
  label?: ReactNode;
  labelId?: string;
};

/** The errors worth showing: BigDesign takes a string, a FormControlError or a list of them, and ignores the rest. */
function errorList(error: Described['error']): ReactNode[] {
  const list = Array.isArray(error) ? error : [error];
  return list.filter((e) => typeof e === 'string' ? e !== '' : isValidElement(e) && e.type === FormControlError);
}

/** Label, description and errors of one field, as BigDesign's Input and Textarea draw them, and the ids naming them. */
export function useDescribed({ description, error, label, labelId }: Described, id: string | undefined, required: boolean | undefined) {
  const own = useId();
  const inputId = id ?? own;
  const errors = errorList(error);
  const descriptionId = description ? `${inputId}-description` : undefined;
  const errorId = errors.length > 0 ? `${inputId}-error` : undefined;
  const renderedLabel =
    typeof label === 'string' ? (
      <FormControlLabel htmlFor={inputId} id={labelId} required={required}>
        {label}
      </FormControlLabel>
    ) : isValidElement(label) && label.type === FormControlLabel ? (
      cloneElement(label as ReactElement<{ id?: string; htmlFor?: string }>, { id: labelId, htmlFor: inputId })
    ) : null;
  // BigDesign's FormControlDescription is this Small (plus an optional link, which no field here has: its styled link
  // would come along).
  const renderedDescription = description ? <Small id={descriptionId}>{description}</Small> : null;
  const renderedErrors = errors.map((e, index) => (
    <FieldError key={index} id={index === 0 ? errorId : undefined}>
      {e}
    </FieldError>
  ));
  return {
    inputId,
    hasError: errors.length > 0,
    describedBy: [descriptionId, errorId].filter(Boolean).join(' ') || undefined,
    renderedLabel,
    renderedDescription,
    renderedErrors,
  };
}

export type InputProps = Described &
  ComponentPropsWithoutRef<'input'> & {
    /** Chips drawn before the text (the MultiSelect stand-in's, ./select.tsx). */
    chips?: ReactNode[];
    iconLeft?: ReactNode;
    iconRight?: ReactNode;
    ref?: Ref<HTMLInputElement>;
  };

export function Input({ chips, description, error, label, labelId, iconLeft, iconRight, className: _className, style: _style, ref, ...props }: InputProps) {
  const [focus, setFocus] = useState(false);
  const field = useDescribed({ description, error, label, labelId }, props.id, props.required);
  const ownDescribedBy = props['aria-describedby'];
  // BigDesign's styled parts read only whether there are chips and how many (their spacing), not the chips themselves.
  const $chips = chips as unknown as ChipProps[] | undefined;
  return (
    <div>
      {field.renderedLabel}
      {field.renderedDescription}
      <StyledInputWrapper $error={field.hasError} $focus={focus} disabled={props.disabled}>
        {iconLeft ? (
          <StyledIconWrapper $paddingLeft="xSmall" $paddingRight="xxSmall">
            {iconLeft}
          </StyledIconWrapper>
        ) : null}
        <StyledInputContent $chips={$chips}>
          {chips}
          <StyledInput
            {...props}
            $chips={$chips}
            $iconLeft={iconLeft}
            $iconRight={iconRight}
            id={field.inputId}
            ref={ref}
            aria-describedby={[ownDescribedBy, field.describedBy].filter(Boolean).join(' ') || undefined}
            aria-invalid={props['aria-invalid'] ?? (field.hasError || undefined)}
            onFocus={(event: FocusEvent<HTMLInputElement>) => {
              setFocus(true);
              props.onFocus?.(event);
            }}
            onBlur={(event: FocusEvent<HTMLInputElement>) => {
              setFocus(false);
              props.onBlur?.(event);
            }}
          />
        </StyledInputContent>
        {iconRight ? (
          <StyledIconWrapper $paddingLeft="xxSmall" $paddingRight="xSmall">
            {iconRight}
          </StyledIconWrapper>
        ) : null}
      </StyledInputWrapper>
      {field.renderedErrors}
    </div>
  );
}
