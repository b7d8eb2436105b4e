import { useEffect } from 'react';

const APP_NAME = 'Care Identity';

/** Names the window after the current screen (WCAG 2.4.2), e.g. "Insert your smartcard – Care Identity". */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    if (title) document.title = `${title} – ${APP_NAME}`;
  }, [title]);
}
