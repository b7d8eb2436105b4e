import type { RenewalView } from '../../src-shared/api/agent-api.js';
import { useStepRequests } from '../components/use-step-requests.js';
import { RenewalNoticePage } from './renewal-notice-page.js';
import { RenewalDonePage, RenewalRefusedPage } from './renewal-outcome-pages.js';
import { RenewalPasscodePage } from './renewal-passcode-page.js';
import { RenewalWorkingPage } from './renewal-working-page.js';

/**
 * One page per renewal step, self, sponsor or recovery. Each page is keyed by its step, so a new
 * step mounts afresh (focus to its heading, an empty field) while updates within a step (new
 * progress words) keep focus where the user is.
 *
 * The requests outlive the pages: a passcode goes from the passcode page through the working
 * page, and a wrong one comes back to a new passcode page before the call's failure does. Kept
 * here, that failure still reaches the field it belongs to, and focus goes to the error summary.
 * Key this by the renewal, so a new renewal starts with no problems.
 */
export function RenewalPage({ view }: { view: RenewalView }) {
  const requests = useStepRequests(view);
  const { step } = view;
  switch (step.step) {
    case 'notice':
      return <RenewalNoticePage key="notice" view={view} step={step} requests={requests} />;
    case 'passcode':
      return <RenewalPasscodePage key="passcode" view={view} step={step} requests={requests} />;
    case 'working':
      return <RenewalWorkingPage key="working" view={view} progress={step.progress} />;
    case 'done':
      return <RenewalDonePage key="done" view={view} step={step} requests={requests} />;
    case 'refused':
      return <RenewalRefusedPage key="refused" view={view} message={step.message} requests={requests} />;
  }
}
