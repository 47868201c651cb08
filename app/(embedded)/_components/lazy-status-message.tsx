'use client';

// Loaded on demand by lazy.tsx: BigDesign's StatusMessage and its illustrations, in a chunk of their own.
export { StatusMessage } from '@bigcommerce/big-design';
