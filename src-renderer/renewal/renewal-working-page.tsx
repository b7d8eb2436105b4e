import type { RenewalView } from '../../src-shared/api/agent-api.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { keepCardIn, RECOVERY_HEADING, renewalCaption } from './renewal-headings.js';

// The card and the service at work: a new key on the card, the request signed, the certificate
// issued and written. The agent's progress words go in a live region, so they are read as they
// change without focus moving; there is nothing to press until the renewal has finished.

const HEADINGS: Readonly<Record<RenewalView['mode'], string>> = {
  self: 'Renewing your smartcard',
  sponsor: 'Renewing the smartcard',
  recovery: RECOVERY_HEADING,
};

export function RenewalWorkingPage({ view, progress }: { view: RenewalView; progress: string }) {
  return (
    <>
      <PageHeading caption={renewalCaption(view)}>{HEADINGS[view.mode]}</PageHeading>
      <LiveStatus className="nhsuk-body-l" message={progress} />
      <p>{keepCardIn(view)} It takes a few seconds.</p>
    </>
  );
}
