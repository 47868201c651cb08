'use client';

import type { ChipProps } from '@bigcommerce/big-design';
import { ErrorIcon } from '@bigcommerce/big-design-icons';
import { FormControlDescription } from '@bigcommerce/big-design/dist/es/components/Form/Description';
import { FormControlError } from '@bigcommerce/big-design/dist/es/components/Form/Error';
import { StyledError, StyledGroup, StyledInlineGroup } from '@bigcommerce/big-design/dist/es/components/Form/Group/styled';
import { FormControlLabel } from '@bigcommerce/big-design/dist/es/components/Form/Label';
import { useFormContext } from '@bigcommerce/big-design/dist/es/components/Form/useFormContext';
import { StyledIconWrapper, StyledInput, StyledInputContent, StyledInputWrapper } from '@bigcommerce/big-design/dist/es/components/Input/styled';
import { StyledTextarea, StyledTextareaWrapper } from '@bigcommerce/big-design/dist/es/components/Textarea/styled';
import { Children, cloneElement, isValidElement, useId, useState, type ComponentPropsWithoutRef, type FocusEvent, type ReactElement, type ReactNode, type Ref } from 'react';

/**
 * BigDesign's Input, Textarea and FormGroup drawn from BigDesign's own styled parts (the same label, description,
 * bordered field, focus ring, red border on error and error line with its icon), without what BigDesign's versions
 * bring with them: its FormGroup imports its Checkbox and Radio (to tell a group of choices from a row of fields), and
 * its Input and Textarea import that FormGroup to report their errors to it, so a page with one Input carried both
 * (with the Chip and the Form barrel, 5.8 KB brotli; issue 16's budget of 150 KB of JavaScript per page, README
 * Performance).
 *
 * One difference, on purpose: BigDesign shows a field's error only inside a FormGroup, after the group's last child
 * and only once the page has run its effects. Here the field shows its own error right below it, from the first
 * render (server included), and names it, with its description, in the field's aria-describedby (and sets
 * aria-invalid). Use these together: BigDesign's FormGroup does not see these fields' errors, and this FormGroup does
 * not show errors of BigDesign's fields (the Select wrapper in ./select.tsx shows its own, see there).
 */

/**
 * The error line BigDesign's FormGroup draws: the danger icon and the message. Below a field (`spaced`) it keeps the
 * distance the group's row gap gave it (xSmall).
 */
export function FieldError({ id, spaced, children }: { id?: string; spaced?: boolean; children: ReactNode }) {
  return (
    <StyledError alignItems="center" id={id} marginTop={spaced ? 'xSmall' : undefined}>
      <ErrorIcon color="danger" />
      {isValidElement(children) && children.type === FormControlError ? children : <FormControlError>{children}</FormControlError>}
    </StyledError>
  );
}

type Described = {
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
function useDescribed({ description, error, label, labelId }: Described, id: string | undefined, required: boolean | undefined) {
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
  const renderedDescription =
    typeof description === 'string' ? (
      <FormControlDescription id={descriptionId}>{description}</FormControlDescription>
    ) : isValidElement(description) && description.type === FormControlDescription ? (
      cloneElement(description as ReactElement<{ id?: string }>, { id: descriptionId })
    ) : null;
  const renderedErrors = errors.map((e, index) => (
    <FieldError key={index} id={index === 0 ? errorId : undefined} spaced>
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

export type TextareaProps = Described & ComponentPropsWithoutRef<'textarea'> & { resize?: boolean; ref?: Ref<HTMLTextAreaElement> };

/** BigDesign's Textarea: at most 7 rows tall (3 by default), resizable up and down unless `resize` is false. */
export function Textarea({ description, error, label, labelId, rows = 3, resize = true, className: _className, style: _style, ref, ...props }: TextareaProps) {
  const field = useDescribed({ description, error, label, labelId }, props.id, props.required);
  return (
    <div>
      {field.renderedLabel}
      {field.renderedDescription}
      <StyledTextareaWrapper>
        <StyledTextarea
          {...props}
          $error={field.hasError}
          $resize={resize}
          id={field.inputId}
          ref={ref}
          rows={Math.min(rows, 7)}
          aria-describedby={[props['aria-describedby'], field.describedBy].filter(Boolean).join(' ') || undefined}
          aria-invalid={props['aria-invalid'] ?? (field.hasError || undefined)}
        />
      </StyledTextareaWrapper>
      {field.renderedErrors}
    </div>
  );
}

/**
 * BigDesign's FormGroup: its fields stacked with its gaps, and from a tablet's width two or three fields side by side
 * (200 or 128px each, or shares of the line in a fullWidth Form). BigDesign keeps a group whose children are all
 * Checkboxes or Radios stacked; telling them apart without importing them, a child counts as one if it takes a
 * `checked` prop (the Checkbox and Radio do, no other field here does). The group's own `errors` are drawn after its
 * children as BigDesign does; the fields of this file draw their own.
 */
export function FormGroup({ children, errors }: { children?: ReactNode; errors?: ReactNode | ReactNode[] }) {
  const { fullWidth } = useFormContext();
  const count = Children.count(children);
  const choices = Children.toArray(children).every((child) => isValidElement<{ checked?: unknown }>(child) && typeof child.props.checked === 'boolean');
  const rendered = errorList(errors).map((e, index) => <FieldError key={index}>{e}</FieldError>);
  return choices ? (
    <StyledGroup>
      {children}
      {rendered}
    </StyledGroup>
  ) : (
    <StyledInlineGroup $childrenCount={count} $fullWidth={fullWidth}>
      {children}
      {rendered}
    </StyledInlineGroup>
  );
}
