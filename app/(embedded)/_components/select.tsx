'use client';

import type { SelectOption, SelectOptionGroup, SelectProps } from '@bigcommerce/big-design';
import { FormControlLabel } from '@bigcommerce/big-design/dist/es/components/Form/Label';
import { DropdownButton, StyledDropdownIcon, StyledInputContainer } from '@bigcommerce/big-design/dist/es/components/Select/styled';
import { FieldError, Input } from './input';
import { useEffect, useId, useRef, useSyncExternalStore, type FocusEvent, type ReactNode } from 'react';

/**
 * BigDesign's Select and MultiSelect, their code (downshift and floating-ui with them, 20 KB brotli) fetched when the
 * merchant first reaches for one: the pointer over it, a touch, or keyboard focus. Until then each is drawn as what a
 * closed BigDesign Select is (its label, the input showing the chosen option or chips, the toggle, its description and
 * error, from BigDesign's own parts), named and focusable as a combobox. Once the code is there every Select on the
 * page becomes the real one; the one that was focused keeps the focus, and the one that was clicked opens. Issue 16's
 * budget of 150 KB of JavaScript per page (README, Performance): a page's first load does not carry the Selects.
 *
 * Errors: the stand-in is drawn with ./input.tsx's Input, which shows its error below it; BigDesign's Select shows its
 * error only through BigDesign's FormGroup, which the pages no longer use (./input.tsx's FormGroup instead), so the real
 * one gets its red border from `error` and the same error line is drawn below it here.
 */

type Real = typeof import('./lazy-select');
let real: Real | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

function load() {
  loading ??= import('./lazy-select').then(
    (module) => {
      real = module;
      for (const listener of listeners) listener();
    },
    () => {
      loading = null; // offline for a moment: the next reach tries again
    },
  );
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};

/** The loaded module, or null while the page still shows stand-ins (always null while rendering on the server). */
export function useReal(): Real | null {
  return useSyncExternalStore(
    subscribe,
    () => real,
    () => null,
  );
}

type Intent = 'focus' | 'open' | null;

/** Focuses (and opens, if it was clicked) the real control once it replaces a stand-in the merchant reached for. */
export function useHandOver(loaded: Real | null) {
  const intent = useRef<Intent>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const what = intent.current;
    intent.current = null;
    const input = inputRef.current;
    if (!loaded || !what || !input) return;
    input.focus();
    if (what === 'open') input.click();
  }, [loaded]);
  const reach = (what: Exclude<Intent, null>) => () => {
    if (intent.current !== 'open') intent.current = what;
    load();
  };
  /** Focus moved on from the stand-in before the code arrived. */
  const leave = () => {
    intent.current = null;
  };
  return { inputRef, reach, leave };
}

export function flatten<T>(options: Array<SelectOption<T>> | Array<SelectOptionGroup<T>>): Array<SelectOption<T>> {
  return (options as Array<SelectOption<T> | SelectOptionGroup<T>>).flatMap((o) => ('options' in o ? o.options : [o]));
}

interface StandInProps {
  label?: ReactNode;
  required?: boolean;
  disabled?: boolean;
  text: string;
  /** The MultiSelect's chips (./multi-select.tsx), drawn. */
  chips?: ReactNode[];
  inputProps: Record<string, unknown>;
  reach: (what: 'focus' | 'open') => () => void;
  leave: () => void;
}

/** A closed BigDesign Select: the same label, input, toggle, description and error, without downshift behind it. */
export function StandIn({ label, required, disabled, text, chips, inputProps, reach, leave }: StandInProps) {
  const id = useId();
  const inputId = (inputProps.id as string | undefined) ?? `${id}-input`;
  const labelId = `${id}-label`;
  const { labelId: _labelId, filterable, placeholder, action: _a, autoWidth: _w, maxHeight: _m, placement: _p, positionFixed: _f, onClose: _c, onOpen: _o, onFocus, onBlur, ...rest } = inputProps;
  // The pointer coming over it or a touch only fetches the code; focus and clicks also hand the focus over.
  return (
    <div onPointerEnter={load} onTouchStart={load}>
      {typeof label === 'string' ? (
        <FormControlLabel htmlFor={inputId} id={labelId} required={required}>
          {label}
        </FormControlLabel>
      ) : null}
      <StyledInputContainer>
        <Input
          {...rest}
          id={inputId}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={false}
          aria-labelledby={typeof label === 'string' ? labelId : undefined}
          autoComplete="off"
          chips={chips}
          disabled={disabled}
          placeholder={placeholder as string | undefined}
          readOnly={filterable === false}
          required={required}
          value={text}
          onChange={reach('open')}
          // A press, not only a click: the code may arrive between the press and the release, when the click no
          // longer reaches the stand-in (replaced under the pointer); the real one then opens as the click would.
          onPointerDown={reach('open')}
          onClick={reach('open')}
          onFocus={(event: FocusEvent<HTMLInputElement>) => {
            reach('focus')();
            if (typeof onFocus === 'function') (onFocus as (e: FocusEvent<HTMLInputElement>) => void)(event);
          }}
          onBlur={(event: FocusEvent<HTMLInputElement>) => {
            // Tabbed on to another control: the real one must not take the focus back when it arrives. (Not when the
            // stand-in is merely replaced, which leaves no other element focused.)
            if (event.relatedTarget) leave();
            if (typeof onBlur === 'function') (onBlur as (e: FocusEvent<HTMLInputElement>) => void)(event);
          }}
          iconRight={
            <DropdownButton aria-label="toggle menu" disabled={disabled} tabIndex={-1} type="button" variant="subtle" onPointerDown={reach('open')} onClick={reach('open')}>
              <StyledDropdownIcon />
            </DropdownButton>
          }
        />
      </StyledInputContainer>
    </div>
  );
}

/** The real Select and, below it, its error as the stand-in (./input.tsx) draws it (always in the same wrapper, so an
 * error coming or going does not remount the Select under the merchant's hands). */
export function withError(select: ReactNode, error: ReactNode) {
  return (
    <div>
      {select}
      {typeof error === 'string' && error !== '' ? <FieldError>{error}</FieldError> : null}
    </div>
  );
}

export function Select<T>(props: Omit<SelectProps<T>, 'inputRef'>) {
  const loaded = useReal();
  const { inputRef, reach, leave } = useHandOver(loaded);
  if (loaded) return withError(<loaded.Select {...(props as SelectProps<T>)} inputRef={inputRef} />, props.error);
  const { label, required, disabled, options, value, onOptionChange: _change, description, error, ...inputProps } = props;
  const chosen = value === undefined ? undefined : flatten(options).find((o) => o.value === value);
  return <StandIn label={label} required={required} disabled={disabled} text={chosen?.content ?? ''} inputProps={{ ...inputProps, description, error }} reach={reach} leave={leave} />;
}
