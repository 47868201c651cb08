'use client';

import { StyledTextarea, StyledTextareaWrapper } from '@bigcommerce/big-design/dist/es/components/Textarea/styled';
import type { ComponentPropsWithoutRef, Ref } from 'react';
import { useDescribed, type Described } from './input';

export type TextareaProps = Described & ComponentPropsWithoutRef<'textarea'> & { resize?: boolean; ref?: Ref<HTMLTextAreaElement> };

/**
 * BigDesign's Textarea from its styled parts, with its label, description and error as ./input.tsx draws them: at most 7
 * rows tall (3 by default), resizable up and down unless `resize` is false.
 */
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

