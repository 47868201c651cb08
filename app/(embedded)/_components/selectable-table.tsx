'use client';

import { Box, Flex, Text, type TableItem, type TableProps } from '@bigcommerce/big-design';
import { Checkbox } from './checkbox';
import { Table, type LiteTableProps } from './table';

/**
 * BigDesign's Table's select-all (its Table/SelectAll, the same markup and rules) with ./checkbox.tsx's Checkbox: the
 * box is checked when every row on the page is, shows a dash when some are; choosing it selects the page's rows, or
 * clears them when all were selected; beside it "n/total" once something is selected.
 */
function SelectAll<T>({ items, selectedItems, onChange }: { items: T[]; selectedItems: Set<T>; onChange: (items: T[]) => void }) {
  const all = items.length > 0 && items.every((item) => selectedItems.has(item));
  const some = items.length > 0 && items.some((item) => selectedItems.has(item));
  const toggle = () => {
    if (selectedItems.size === 0) return onChange([...items]);
    if (all) return onChange([...selectedItems].filter((item) => !items.includes(item)));
    onChange([...new Set([...selectedItems, ...items])]);
  };
  const total = items.length;
  return (
    <Box marginRight="xxSmall" style={{ flexShrink: 0 }}>
      <Flex flexDirection="row">
        <Checkbox checked={all} hiddenLabel isIndeterminate={some} label={all ? 'Deselect All' : 'Select All'} onChange={toggle} />
        <Text marginLeft="small">{selectedItems.size === 0 ? total : total ? `${selectedItems.size}/${total}` : selectedItems.size}</Text>
      </Flex>
    </Box>
  );
}

/** table.tsx's Table with BigDesign's row checkboxes and select-all (`selectable`, as on BigDesign's Table). */
export function SelectableTable<T extends TableItem>({ selectable, ...props }: LiteTableProps<T> & { selectable: NonNullable<TableProps<T>['selectable']> }) {
  const selectedItems = new Set<T>(selectable.selectedItems);
  const { onSelectionChange } = selectable;
  const toggle = (item: T) => onSelectionChange(selectedItems.has(item) ? [...selectedItems].filter((s) => s !== item) : [...selectedItems, item]);
  return (
    <Table
      {...props}
      selection={{
        selectedItems,
        selectAll: <SelectAll items={props.items} onChange={onSelectionChange} selectedItems={selectedItems} />,
        cell: (item, isSelected) => <Checkbox checked={isSelected} hiddenLabel label={isSelected ? 'Selected' : 'Unselected'} onChange={() => toggle(item)} />,
      }}
    />
  );
}
