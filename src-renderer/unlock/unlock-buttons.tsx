import { CloseButton as FlowCloseButton, StepButtons as FlowStepButtons, type StepButtonsProps } from '../components/step-buttons.js';
import type { StepRequests } from '../components/use-step-requests.js';

// The flow buttons with the unlock's way out: "unlock.close" ends the unlock at any step.

export function CloseButton({ requests, secondary = false, children }: { requests: StepRequests; secondary?: boolean; children: string }) {
  return (
    <FlowCloseButton requests={requests} channel="unlock.close" secondary={secondary}>
      {children}
    </FlowCloseButton>
  );
}

export function StepButtons(props: Omit<StepButtonsProps, 'channel'>) {
  return <FlowStepButtons {...props} channel="unlock.close" />;
}
