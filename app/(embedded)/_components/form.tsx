'use client';

import type { FormProps } from '@bigcommerce/big-design';
import { FormContext } from '@bigcommerce/big-design/dist/es/components/Form/useFormContext';
import styled from 'styled-components';
import { INPUT_WRAPPER_CLASS } from '@/lib/ui/big-design-classes';

/**
 * BigDesign's Form: the same context (fullWidth for its FormGroups) and the same rule for inputs (from a tablet's width,
 * at most 416px wide, or the form's width with fullWidth), without the styles of the input, text area and file
 * uploader that BigDesign's Form imports to name them in that rule, and so brings to every page with a form (about
 * 3 KB brotli; issue 16's JavaScript budget). The input is named by its class (lib/ui/big-design-classes.ts, checked
 * against BigDesign by a unit test). Text areas are left out: the one form with one (order rules) is full width, where
 * the rule changes nothing for a block that fills its line. Margin props are not taken (no form here sets one).
 */
const StyledForm = styled.form<{ $fullWidth?: boolean }>`
  ${({ theme }) => theme.breakpoints.tablet} {
    .${INPUT_WRAPPER_CLASS} {
      max-width: ${({ $fullWidth, theme }) => ($fullWidth ? '100%' : theme.helpers.remCalc(416))};
    }
  }
`;

export function Form({ fullWidth, className: _className, style: _style, ...props }: Omit<FormProps, 'margin' | 'marginTop' | 'marginRight' | 'marginBottom' | 'marginLeft' | 'marginVertical' | 'marginHorizontal'>) {
  return (
    <FormContext.Provider value={{ fullWidth }}>
      <StyledForm {...props} $fullWidth={fullWidth} />
    </FormContext.Provider>
  );
}
