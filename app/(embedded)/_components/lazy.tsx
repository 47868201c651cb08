'use client';

import type { ModalProps, StatusMessageProps } from '@bigcommerce/big-design';
import { lazy, Suspense } from 'react';

/**
 * BigDesign components that are heavy for what they show and are not on screen when a page first loads: their code is
 * fetched when they are first rendered (a dialog opened, a signed-out notice; Selects: select.tsx), not with the page
 * (issue 16's budget of 150 KB of JavaScript per page; README, Performance). The code of each is a module of its own
 * (lazy-*.tsx), so each is a chunk of its own. React.lazy rather than next/dynamic: the same, without next/dynamic's
 * loader code on every page.
 */

const LoadedModal = lazy(() => import('./lazy-modal').then((m) => ({ default: m.Modal })));

/**
 * BigDesign's Modal (with its focus trap), loaded when it first opens. A closed Modal renders nothing, so nothing is
 * lost by not rendering it; the dialog appears once its code has arrived (a few kilobytes, on the first open only).
 */
export function Modal(props: ModalProps) {
  if (!props.isOpen) return null;
  return (
    <Suspense fallback={null}>
      <LoadedModal {...props} />
    </Suspense>
  );
}

const LoadedStatusMessage = lazy(() => import('./lazy-status-message').then((m) => ({ default: m.StatusMessage })));

/** BigDesign's StatusMessage (its illustrations are inline SVG): only the signed-out notice uses it. */
export function StatusMessage(props: StatusMessageProps) {
  return (
    <Suspense fallback={null}>
      <LoadedStatusMessage {...props} />
    </Suspense>
  );
}
