import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { INPUT_WRAPPER_CLASS } from './big-design-classes';

const require = createRequire(import.meta.url);

describe('BigDesign class names targeted by our rules', () => {
  it('the Input wrapper (app/(embedded)/_components/form.tsx) has the class we name', () => {
    const { StyledInputWrapper } = require('@bigcommerce/big-design/dist/cjs/components/Input/styled') as { StyledInputWrapper: { styledComponentId: string } };
    expect(StyledInputWrapper.styledComponentId).toBe(INPUT_WRAPPER_CLASS);
  });
});
