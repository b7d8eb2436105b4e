import type { MouseEvent } from 'react';

// In-page links (error summary, skip link) must not change location.hash: the hash is this
// app's route. They focus their target instead, as nhsuk-frontend's own script does.

export function focusTargetOf(event: MouseEvent<HTMLAnchorElement>): void {
  const id = event.currentTarget.getAttribute('href')?.replace(/^#/, '');
  const target = id ? document.getElementById(id) : null;
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({ block: 'center' });
  target.focus();
}
