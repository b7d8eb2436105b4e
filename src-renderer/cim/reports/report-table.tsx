import type { ReportColumn, ReportPage } from '../../../src-shared/api/cim-reports.js';

// One page of a report as an NHS table. A sortable column's header is a button (sort by it; again
// to reverse), and the sorted column says so to screen readers with aria-sort.

const cellText = (value: string | number | null | undefined): string => (value === null || value === undefined ? '' : String(value));

export function ReportTable({ caption, columns, page, onSort }: { caption: string; columns: ReportColumn[]; page: ReportPage; onSort: (column: string) => void }) {
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">{caption}</caption>
      <thead className="nhsuk-table__head">
        <tr>
          {columns.map((c) => {
            const sorted = page.sort.column === c.key ? page.sort.direction : undefined;
            return (
              <th key={c.key} scope="col" className="nhsuk-table__header" aria-sort={c.sortable ? (sorted ?? 'none') : undefined}>
                {c.sortable ? (
                  <button type="button" className="report-sort-button" onClick={() => onSort(c.key)}>
                    {c.label}
                    <span aria-hidden="true">{sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {page.rows.map((row, i) => (
          <tr key={i} className="nhsuk-table__row">
            {columns.map((c) => (
              <td key={c.key} className="nhsuk-table__cell">
                {cellText(row[c.key])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** NHS numbered pagination: Previous, the pages near this one, Next. */
export function ReportPagination({ page, pages, hrefFor }: { page: number; pages: number; hrefFor: (page: number) => string }) {
  if (pages <= 1) return null;
  const near = [...new Set([1, page - 1, page, page + 1, pages])].filter((p) => p >= 1 && p <= pages).sort((a, b) => a - b);
  return (
    <nav className="nhsuk-pagination nhsuk-pagination--numbered" role="navigation" aria-label="Pagination">
      {page > 1 && (
        <a href={hrefFor(page - 1)} className="nhsuk-pagination__previous" rel="prev">
          <span className="nhsuk-pagination__title">
            Previous<span className="nhsuk-u-visually-hidden"> page</span>
          </span>
        </a>
      )}
      <ul className="nhsuk-pagination__list">
        {near.map((p, i) => (
          <PageItem key={p} number={p} current={p === page} gapBefore={i > 0 && p - (near[i - 1] as number) > 1} href={hrefFor(p)} />
        ))}
      </ul>
      {page < pages && (
        <a href={hrefFor(page + 1)} className="nhsuk-pagination__next" rel="next">
          <span className="nhsuk-pagination__title">
            Next<span className="nhsuk-u-visually-hidden"> page</span>
          </span>
        </a>
      )}
    </nav>
  );
}

function PageItem({ number, current, gapBefore, href }: { number: number; current: boolean; gapBefore: boolean; href: string }) {
  return (
    <>
      {gapBefore && <li className="nhsuk-pagination__item nhsuk-pagination__item--ellipsis">⋯</li>}
      <li className={`nhsuk-pagination__item${current ? ' nhsuk-pagination__item--current' : ''}`}>
        <a className="nhsuk-pagination__link" href={href} aria-label={`Page ${number}`} aria-current={current ? 'page' : undefined}>
          {number}
        </a>
      </li>
    </>
  );
}
