import { ErrorSummary } from './error-summary.js';
import type { StepRequests } from './use-step-requests.js';

/**
 * The flow page's one problem, if any. `href` is the page's field: the problem links to it
 * only when it is that field's to fix, so a problem nothing on the page can fix is not offered
 * as a link to a field that would not help.
 */
export function StepProblemSummary({ requests, href }: { requests: StepRequests; href?: string }) {
  const { problem, fieldProblem } = requests;
  return <ErrorSummary ref={requests.summaryRef} errors={problem ? [href && fieldProblem !== null ? { text: problem, href } : { text: problem }] : []} />;
}
