import type { Ref } from 'react';
import { focusTargetOf } from './focus-target.js';

export interface ErrorItem {
  readonly text: string;
  /** "#field-id" of the field to fix; none for problems no field can fix. */
  readonly href?: string;
}

/** NHS error summary. The parent moves focus to it (via `ref`) after a failed submission. */
export function ErrorSummary({ errors, ref }: { errors: readonly ErrorItem[]; ref?: Ref<HTMLDivElement> }) {
  if (errors.length === 0) return null;
  return (
    <div className="nhsuk-error-summary" tabIndex={-1} ref={ref}>
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading">There is a problem</h2>
        <div className="nhsuk-error-summary__body">
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {errors.map((error) => (
              <li key={`${error.href ?? ''}${error.text}`}>
                {error.href ? (
                  <a href={error.href} onClick={focusTargetOf}>
                    {error.text}
                  </a>
                ) : (
                  error.text
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** The message under a field; its id goes in the field's aria-describedby. */
export function ErrorMessage({ id, children }: { id: string; children: string }) {
  return (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error: </span>
      {children}
    </span>
  );
}
