import { ErrorSummary } from '../components/error-summary.js';
import type { UnlockRequests } from './use-unlock-requests.js';

/** The unlock page's one problem, if any; `href` links it to the field that can fix it. */
export function UnlockProblemSummary({ requests, href }: { requests: UnlockRequests; href?: string }) {
  const { problem } = requests;
  return <ErrorSummary ref={requests.summaryRef} errors={problem ? [href ? { text: problem, href } : { text: problem }] : []} />;
}
