'use client';

import { Box, Text, type TableColumn, type TableItem, type TableProps } from '@bigcommerce/big-design';
import { StyledFlex as StyledActions } from '@bigcommerce/big-design/dist/es/components/Table/Actions/styled';
import { Body } from '@bigcommerce/big-design/dist/es/components/Table/Body';
import { DataCell } from '@bigcommerce/big-design/dist/es/components/Table/DataCell';
import { Head } from '@bigcommerce/big-design/dist/es/components/Table/Head';
import { StyledFlex as StyledHeaderFlex, StyledTableHeaderCell, StyledTableHeaderIcon } from '@bigcommerce/big-design/dist/es/components/Table/HeaderCell/styled';
import { withTransition } from '@bigcommerce/big-design/dist/es/helpers/transitions';
import { StyledTable } from '@bigcommerce/big-design/dist/es/components/Table/styled';
import { useId, type ReactNode } from 'react';
import styled from 'styled-components';

/**
 * BigDesign's Table, drawn from BigDesign's own parts (the same styled table, head, body, row, cell, select-all and
 * toolbar, so it looks and reads the same), without what this app never uses: drag-and-drop reordering
 * (pragmatic-drag-and-drop), built-in pagination (BigDesign's Dropdown with downshift and floating-ui; pages use
 * Pager), sorting and header tooltips (floating-ui). BigDesign's Table imports all of those whether a table uses them
 * or not, some 30 KB compressed on every page with a table (issue 16's budget of 150 KB per page; README,
 * Performance). Same props as BigDesign's Table for what it keeps: columns (header, hash, render, align, width,
 * verticalAlign, display, withPadding, hideHeader), items, keyField, itemName, emptyComponent, selectable, actions,
 * headerless, id, and any attribute of the table element (data-testid, style…). Rows with checkboxes
 * (`selectable`) are SelectableTable's (selectable-table.tsx), so the tables without them do not carry the checkbox.
 */
export type LiteTableProps<T extends TableItem> = Omit<TableProps<T>, 'columns' | 'pagination' | 'sortable' | 'onRowDrop' | 'stickyHeader' | 'localization' | 'selectable'> & {
  columns: Array<Omit<TableColumn<T>, 'isSortable' | 'tooltip'>>;
};

/**
 * BigDesign's table row (Table/Row/styled: its transition, selected and hover colours) without the drag-and-drop
 * states: importing BigDesign's brings its drag preview's and drag handle's styles too.
 */
const StyledTableRow = styled.tr<{ $isSelected: boolean }>`
  ${withTransition(['background-color'])}
  background-color: ${({ $isSelected, theme }) => ($isSelected ? theme.colors.primary10 : 'transparent')};

  &:hover {
    background-color: ${({ theme }) => theme.colors.secondary10};
  }
`;

/** What SelectableTable adds: the select-all control in the toolbar and a checkbox cell before each row's cells. */
export interface TableSelection<T> {
  selectedItems: Set<T>;
  selectAll: ReactNode;
  cell: (item: T, isSelected: boolean) => ReactNode;
}

export function Table<T extends TableItem>(props: LiteTableProps<T> & { selection?: TableSelection<T> }) {
  const { actions, className, columns, emptyComponent, headerless = false, id, itemName, items, keyField = 'id', selection, style, ...rest } = props;
  const generatedId = useId();
  const tableId = id ?? generatedId;
  const showActions = Boolean(actions) || Boolean(selection) || Boolean(itemName);
  const text = (content: ReactNode) => (
    <Box marginRight="medium" style={{ flexShrink: 0 }}>
      <Text margin="none">{content}</Text>
    </Box>
  );
  return (
    <>
      {showActions ? (
        <StyledActions $alignItems="center" $flexDirection="row" $justifyContent="stretch" aria-controls={tableId} aria-label="Table Controls" role="toolbar">
          {selection?.selectAll}
          {typeof itemName === 'string' ? text(selection ? itemName : `${items.length} ${itemName}`) : null}
          {actions ?? null}
        </StyledActions>
      ) : null}
      <StyledTable {...rest} className={className} style={style} id={tableId}>
        <Head hidden={headerless}>
          <tr>
            {selection ? <StyledTableHeaderIcon $stickyHeight={0} /> : null}
            {columns.map(({ align = 'left', display, header, hideHeader = false, width }, index) => (
              <StyledTableHeaderCell key={index} $display={display} $stickyHeight={0} $width={width} id={`header-cell-${index}`}>
                <StyledHeaderFlex $align={align} $hide={hideHeader} alignItems="center" flexDirection="row">
                  {header}
                </StyledHeaderFlex>
              </StyledTableHeaderCell>
            ))}
          </tr>
        </Head>
        <Body withFirstRowBorder={headerless}>
          {items.map((item, index) => {
            const key = item[keyField] !== undefined ? String(item[keyField]) : index;
            const isSelected = selection?.selectedItems.has(item) ?? false;
            return (
              <StyledTableRow key={key} $isSelected={isSelected}>
                {selection ? <DataCell isCheckbox>{selection.cell(item, isSelected)}</DataCell> : null}
                {columns.map(({ render: Cell, align, display, verticalAlign, width, withPadding = true }, columnIndex) => (
                  <DataCell key={columnIndex} align={align} display={display} verticalAlign={verticalAlign} width={width} withPadding={withPadding}>
                    <Cell {...item} />
                  </DataCell>
                ))}
              </StyledTableRow>
            );
          })}
        </Body>
      </StyledTable>
      {items.length === 0 && emptyComponent ? emptyComponent : null}
    </>
  );
}
