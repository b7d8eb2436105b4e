import type { StepRequests } from './use-step-requests.js';

// The buttons every page of a step-by-step flow ends with. Each waits while the agent works, so
// one press is one request.

/** The request that leaves the flow, whichever step it is at. */
type CloseChannel = 'unlock.close' | 'renewal.close';

export interface CloseButtonProps {
  readonly requests: StepRequests;
  readonly channel: CloseChannel;
  readonly secondary?: boolean;
  readonly children: string;
}

export function CloseButton({ requests, channel, secondary = false, children }: CloseButtonProps) {
  return (
    <button className={`nhsuk-button${secondary ? ' nhsuk-button--secondary' : ''}`} type="button" disabled={requests.working} onClick={() => requests.send(channel, {})}>
      {children}
    </button>
  );
}

export interface StepButtonsProps {
  readonly requests: StepRequests;
  readonly channel: CloseChannel;
  readonly next: string | null;
  readonly onNext?: () => void;
  /** The way out; none at all when null (a step that must not be left half done). */
  readonly close?: string | null;
}

/**
 * The step's way on, then its way out. Without `onNext` the first button submits the page's
 * form; with `next` null there is no way on (the service refused), only out.
 */
export function StepButtons({ requests, channel, next, onNext, close = 'Cancel' }: StepButtonsProps) {
  return (
    <div className="nhsuk-button-group">
      {next !== null && (
        <button className="nhsuk-button" type={onNext ? 'button' : 'submit'} disabled={requests.working} onClick={onNext}>
          {next}
        </button>
      )}
      {close !== null && (
        <CloseButton requests={requests} channel={channel} secondary>
          {close}
        </CloseButton>
      )}
    </div>
  );
}
