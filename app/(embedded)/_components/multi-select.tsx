'use client';

import type { MultiSelectProps } from '@bigcommerce/big-design';
import { Chip } from '@bigcommerce/big-design/dist/es/components/Chip';
import { flatten, StandIn, useHandOver, useReal, withError } from './select';

/**
 * ./select.tsx's stand-in for BigDesign's MultiSelect, the chosen options drawn as BigDesign's Chips (as its Input draws
 * them), in a module of its own so that pages without a MultiSelect do not carry the Chip.
 */
export function MultiSelect<T>(props: Omit<MultiSelectProps<T>, 'inputRef'>) {
  const loaded = useReal();
  const { inputRef, reach, leave } = useHandOver(loaded);
  if (loaded) return withError(<loaded.MultiSelect {...(props as MultiSelectProps<T>)} inputRef={inputRef} />, props.error);
  const { label, required, disabled, options, value = [], onOptionsChange, description, error, localization: _l, ...inputProps } = props;
  const chosen = flatten(options).filter((o) => value.includes(o.value));
  const chips = chosen.map((option, index) => (
    <Chip
      key={`${option.content}-${index}`}
      label={option.content}
      marginBottom="none"
      onDelete={
        disabled
          ? undefined
          : () => {
              const left = chosen.filter((o) => o !== option);
              onOptionsChange(
                left.map((o) => o.value),
                left,
              );
            }
      }
    />
  ));
  return (
    <StandIn
      label={label}
      required={required && chosen.length === 0}
      disabled={disabled}
      text=""
      chips={chips}
      inputProps={{ ...inputProps, description, error }}
      reach={reach}
      leave={leave}
    />
  );
}
