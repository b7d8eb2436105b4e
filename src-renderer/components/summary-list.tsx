import type { ReactNode } from 'react';

export interface SummaryRow {
  readonly key: string;
  readonly value: ReactNode;
  /** A "Change" link; `what` completes it for screen readers ("Change email address"). */
  readonly change?: { readonly href: string; readonly what: string };
}

export function SummaryList({ rows, className }: { rows: readonly SummaryRow[]; className?: string }) {
  // In a list where some rows have a Change link, the others say they have none (so columns line up).
  const someChange = rows.some((row) => row.change);
  return (
    <dl className={`nhsuk-summary-list${className ? ` ${className}` : ''}`}>
      {rows.map((row) => (
        <div className={`nhsuk-summary-list__row${someChange && !row.change ? ' nhsuk-summary-list__row--no-actions' : ''}`} key={row.key}>
          <dt className="nhsuk-summary-list__key">{row.key}</dt>
          <dd className="nhsuk-summary-list__value">{row.value}</dd>
          {row.change && (
            <dd className="nhsuk-summary-list__actions">
              <a href={row.change.href}>
                Change<span className="nhsuk-u-visually-hidden"> {row.change.what}</span>
              </a>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}
