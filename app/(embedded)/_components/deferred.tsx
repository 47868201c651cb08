'use client';

import { Box, Panel } from '@bigcommerce/big-design';
import { Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { Loading } from './page-state';
import { useNear } from './use-near';

/** A panel of a deferred part as drawn until its code has arrived: its header and about the height it will take. */
export interface DeferredPanel {
  header: string;
  height: number;
}

/**
 * The panels of a long page below its first screen, whose code (a `lazy()` component among `children`) is fetched when
 * the merchant comes near them, not with the page (issue 16's budget of 150 KB of JavaScript per page; README,
 * Performance). Until then each panel is drawn as its header over the space it takes, so the page does not jump. They
 * load when the placeholder comes within 200 px of the visible area; when it gets the keyboard focus (Tab from the
 * control above: the focus then moves to the first control inside); when `now` says so (a save refused a field
 * inside); or when the address names one of `anchors` (a link such as /order-rules#stock), which is then scrolled to.
 * The browser tests reveal them with `revealDeferred` (tests/e2e/support/harness.ts), which scrolls to each.
 */
export function Deferred({ panels, now = false, anchors = [], children }: { panels: DeferredPanel[]; now?: boolean; anchors?: string[]; children: ReactNode }) {
  const [target, setTarget] = useState('');
  const placeholder = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const focusInside = useRef(false);
  const [shown, show] = useNear(placeholder, now);
  if (now && !shown) show();
  // The fragment once the page is on screen: after a client-side navigation (router.push('/order-rules#backfill')) the
  // address changes only when the new page commits, so it is read in an effect, not while rendering.
  const named = anchors.join(' ');
  useEffect(() => {
    const hash = window.location.hash.slice(1);
    if (hash !== '' && named.split(' ').includes(hash)) {
      setTarget(hash);
      show();
    }
    // Once, on arrival (show is a new function each render): scrolling on is the merchant's.
  }, [named]);

  const drawn = (
    <div
      ref={placeholder}
      data-deferred="pending"
      tabIndex={0}
      aria-busy="true"
      onFocus={() => {
        focusInside.current = true;
        show();
      }}
    >
      {panels.map((panel, i) => (
        <Panel key={panel.header} header={panel.header}>
          {i === 0 ? <Loading label="Loading this part of the page…" minHeight={panel.height} /> : <Box style={{ minHeight: panel.height }} />}
        </Panel>
      ))}
    </div>
  );
  if (!shown) return drawn;
  return (
    <Suspense fallback={drawn}>
      <div ref={content} data-deferred="shown">
        {children}
      </div>
      <OnShown
        run={() => {
          if (focusInside.current) {
            focusInside.current = false;
            content.current?.querySelector<HTMLElement>('input:not([disabled]), button:not([disabled]), textarea, select, a[href], [tabindex="0"]')?.focus();
          } else if (target && anchors.includes(target)) {
            document.getElementById(target)?.scrollIntoView({ block: 'start' });
          }
        }}
      />
    </Suspense>
  );
}

/** Runs once its Suspense boundary's content is on screen (every lazy component inside it has arrived). */
function OnShown({ run }: { run: () => void }) {
  const done = useRef(false);
  useEffect(() => {
    if (done.current) return;
    done.current = true;
    run();
  });
  return null;
}
