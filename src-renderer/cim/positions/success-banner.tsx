import type { ReactNode } from 'react';

// The NHS success notification banner: says a change was made; it takes focus so it is read.

export function SuccessBanner({ heading, children }: { heading: string; children?: ReactNode }) {
  return (
    <div className="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="success-banner-title">
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id="success-banner-title">
          Success
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">{heading}</p>
        {children}
      </div>
    </div>
  );
}
