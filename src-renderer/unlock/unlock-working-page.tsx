import type { UnlockView } from '../../src-shared/api/agent-api.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';

// The card and the service at work (a code being sent, the card being read or unlocked). The
// agent's progress words go in a live region, so they are read as they change without focus
// moving; there is nothing to press until the next step. The page mounts afresh with its first
// words, so the region starts empty and takes them after (LiveStatus), or they go unread.

export function UnlockWorkingPage({ view, progress }: { view: UnlockView; progress: string }) {
  const self = view.mode === 'self';
  return (
    <>
      <PageHeading caption={self ? undefined : (view.holderName ?? undefined)}>{self ? 'Unlock your smartcard' : 'Service smartcard'}</PageHeading>
      <LiveStatus className="nhsuk-body-l" message={progress} />
      <p>
        {view.reader ? `Keep the smartcard in ${view.reader} until this has finished.` : 'Keep the smartcard in its reader until this has finished.'} It
        takes a few seconds.
      </p>
    </>
  );
}
