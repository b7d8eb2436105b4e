import { focusTargetOf } from './focus-target.js';

export function SkipLink() {
  return (
    <a className="nhsuk-skip-link" href="#maincontent" onClick={focusTargetOf}>
      Skip to main content
    </a>
  );
}
