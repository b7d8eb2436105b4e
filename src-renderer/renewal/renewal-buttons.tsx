import { CloseButton as FlowCloseButton, StepButtons as FlowStepButtons, type StepButtonsProps } from '../components/step-buttons.js';
import type { StepRequests } from '../components/use-step-requests.js';

// The flow buttons with the renewal's way out: "renewal.close" is "No" on the notification,
// Cancel before the card is changed, and the end of a finished or refused renewal.

export function RenewalCloseButton({ requests, secondary = false, children }: { requests: StepRequests; secondary?: boolean; children: string }) {
  return (
    <FlowCloseButton requests={requests} channel="renewal.close" secondary={secondary}>
      {children}
    </FlowCloseButton>
  );
}

export function RenewalStepButtons(props: Omit<StepButtonsProps, 'channel'>) {
  return <FlowStepButtons {...props} channel="renewal.close" />;
}
