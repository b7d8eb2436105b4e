import type { ReactNode } from 'react';

// NHS inset text and warning callout, the two ways this app sets information apart.

export function InsetText({ children }: { children: ReactNode }) {
  return (
    <div className="nhsuk-inset-text">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      {children}
    </div>
  );
}

export function WarningCallout({ heading, children, headingLevel = 3 }: { heading: string; children: ReactNode; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const important = /important/i.test(heading);
  return (
    <div className="nhsuk-card nhsuk-card--warning">
      <div className="nhsuk-card__content">
        <Heading className="nhsuk-card__heading">
          {!important && <span className="nhsuk-u-visually-hidden">Important: </span>}
          {heading}
        </Heading>
        {children}
      </div>
    </div>
  );
}
