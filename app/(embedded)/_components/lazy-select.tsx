'use client';

// Loaded on demand (select.tsx): BigDesign's Select and MultiSelect with downshift and floating-ui, in a
// chunk of their own.
export { MultiSelect, Select } from '@bigcommerce/big-design';
