import type { ReactNode } from 'react';

// One NHS table with a heading, or words saying it is empty: every list on a profile's tabs.

export interface Row {
  readonly key: string;
  readonly cells: readonly ReactNode[];
}

export function DataTable({ heading, empty, columns, rows }: { heading: string; empty: string; columns: readonly string[]; rows: readonly Row[] }) {
  return (
    <div>
      <h2 className="nhsuk-heading-m">{heading}</h2>
      {rows.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">{heading}</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              {columns.map((column) => (
                <th className="nhsuk-table__header" scope="col" key={column}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {rows.map((row) => (
              <tr className="nhsuk-table__row" key={row.key}>
                {row.cells.map((cell, i) => (
                  <td className="nhsuk-table__cell" key={columns[i]}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
