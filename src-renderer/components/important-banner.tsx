import type { ReactNode } from 'react';

// The NHS "Important" notification banner: a labelled region with a heading line and detail.
// Used for the links this window depends on (the agent, and the agent's identity service).

export function ImportantBanner({ id, heading, children }: { id: string; heading: ReactNode; children?: ReactNode }) {
  const titleId = `${id}-title`;
  return (
    <div className="nhsuk-notification-banner" role="region" aria-labelledby={titleId}>
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id={titleId}>
          Important
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">{heading}</p>
        {children}
      </div>
    </div>
  );
}
