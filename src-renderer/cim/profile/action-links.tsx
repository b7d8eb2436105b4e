import { hrefOf } from '../cim-paths.js';

// What the viewer may do from a tab of a profile, as a list of links to the pages that do it.

export interface Action {
  readonly href: string;
  readonly text: string;
}

export function ActionLinks({ actions }: { actions: readonly Action[] }) {
  if (actions.length === 0) return null;
  return (
    <ul className="nhsuk-list" aria-label="Actions">
      {actions.map((action) => (
        <li key={action.href}>
          <a href={hrefOf(action.href)}>{action.text}</a>
        </li>
      ))}
    </ul>
  );
}
