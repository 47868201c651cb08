'use client';

// Loaded on demand by lazy.tsx: BigDesign's Modal and its focus trap, in a chunk of their own.
export { Modal } from '@bigcommerce/big-design';
