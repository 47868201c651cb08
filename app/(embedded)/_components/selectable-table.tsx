'use client';

import { Checkbox, type TableItem, type TableProps } from '@bigcommerce/big-design';
import { SelectAll } from '@bigcommerce/big-design/dist/es/components/Table/SelectAll';
import { Table, type LiteTableProps } from './table';

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
        selectAll: <SelectAll items={props.items} onChange={onSelectionChange} selectedItems={selectedItems} totalItems={props.items.length} />,
        cell: (item, isSelected) => <Checkbox checked={isSelected} hiddenLabel label={isSelected ? 'Selected' : 'Unselected'} onChange={() => toggle(item)} />,
      }}
    />
  );
}
