import type { UnlockRequests } from './use-unlock-requests.js';

// The buttons every unlock page ends with. Each waits while the agent works, so one press is
// one request.

/** Leaves the unlock: the agent closes the flow, whichever step it is at. */
export function CloseButton({ requests, secondary = false, children }: { requests: UnlockRequests; secondary?: boolean; children: string }) {
  return (
    <button
      className={`nhsuk-button${secondary ? ' nhsuk-button--secondary' : ''}`}
      type="button"
      disabled={requests.working}
      onClick={() => requests.send('unlock.close', {})}
    >
      {children}
    </button>
  );
}

/**
 * The step's way on, then its way out. Without `onNext` the first button submits the page's
 * form; with `next` null there is no way on (the service refused), only out.
 */
export function StepButtons({ requests, next, onNext, close = 'Cancel' }: { requests: UnlockRequests; next: string | null; onNext?: () => void; close?: string }) {
  return (
    <div className="nhsuk-button-group">
      {next !== null && (
        <button className="nhsuk-button" type={onNext ? 'button' : 'submit'} disabled={requests.working} onClick={onNext}>
          {next}
        </button>
      )}
      <CloseButton requests={requests} secondary>
        {close}
      </CloseButton>
    </div>
  );
}
