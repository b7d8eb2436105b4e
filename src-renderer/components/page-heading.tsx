import { useEffect, useRef, type ReactNode } from 'react';
import { useDocumentTitle } from './use-document-title.js';

// Every new screen starts with this heading and moves focus to it, so keyboard and screen-reader
// users land at the top of what changed instead of wherever the old screen left them.

export interface PageHeadingProps {
  readonly children: ReactNode;
  /** The browser/window title; defaults to the heading when that is plain text. */
  readonly title?: string;
  /** Small text above the heading (NHS caption), read as part of it. */
  readonly caption?: string;
  readonly id?: string;
  readonly className?: string;
}

export function PageHeading({ children, title, caption, id, className }: PageHeadingProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  useDocumentTitle(title ?? (typeof children === 'string' ? children : undefined));
  return (
    <h1 className={className ?? 'nhsuk-heading-l'} tabIndex={-1} ref={ref} id={id}>
      {caption && (
        <span className="nhsuk-caption-l">
          {caption}
          <span className="nhsuk-u-visually-hidden"> - </span>
        </span>
      )}
      {children}
    </h1>
  );
}
