import type { CSSProperties, ReactNode } from 'react';

export interface PlainColumn<T> {
  header: string;
  hash: string;
  render: (item: T) => ReactNode;
  align?: 'left' | 'right';
  width?: number;
}

const RULE = '1px solid #D9DCE9'; // BigDesign's border.box (secondary30)

/**
 * A short table without toolbar, selection or paging (the mappings' payment methods and tax rates), drawn as
 * BigDesign's Table draws its head and rows (white cells, a rule above and below the head and below each row, 12 px
 * padding and 24 px at the table's edges, secondary70 text) from plain elements, so a page's first screen does not
 * carry table.tsx's styled parts (2.2 KB brotli; issue 16's budget of 150 KB per page, README Performance).
 */
export function PlainTable<T extends { id: string | number }>({ columns, items }: { columns: Array<PlainColumn<T>>; items: T[] }) {
  const cell = (i: number, column: PlainColumn<T>): CSSProperties => ({
    boxSizing: 'border-box',
    padding: '0.75rem',
    paddingLeft: i === 0 ? '1.5rem' : '0.75rem',
    paddingRight: i === columns.length - 1 ? '1.5rem' : '0.75rem',
    borderBottom: RULE,
    textAlign: column.align ?? 'left',
    width: column.width,
  });
  return (
    <table style={{ borderSpacing: 0, color: '#313440', textAlign: 'left', width: '100%' }}>
      <thead>
        <tr>
          {columns.map((column, i) => (
            <th key={column.hash} scope="col" style={{ ...cell(i, column), borderTop: RULE, whiteSpace: 'nowrap' }}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.id}>
            {columns.map((column, i) => (
              <td key={column.hash} style={cell(i, column)}>
                {column.render(item)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
