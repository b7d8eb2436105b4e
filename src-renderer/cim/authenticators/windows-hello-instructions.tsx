import type { InstructionsProps } from './authenticator-types.js';
import { EnrolmentLinkAction } from './enrolment-link.js';

// "Windows Hello": the Windows computer's own authenticator (TPM), unlocked by a PIN, face or
// fingerprint; registered from that computer.

export function WindowsHelloInstructions({ holder }: InstructionsProps) {
  const who = holder.own ? 'you' : holder.name;
  return (
    <>
      <p>Windows Hello lets {who} sign in to clinical apps that accept high assurance from one Windows computer, with a PIN, face or fingerprint.</p>
      <h2 className="nhsuk-heading-m">Before you start</h2>
      <ul className="nhsuk-list nhsuk-list--bullet">
        <li>Windows Hello must be set up on the computer (Windows 10 or later, Settings, Accounts, Sign-in options).</li>
        <li>The registration link must be opened on that computer: Windows Hello works only where it was registered.</li>
      </ul>
      <h2 className="nhsuk-heading-m">What happens</h2>
      <ol className="nhsuk-list nhsuk-list--number">
        <li>Create a registration link. It works once, for 10 minutes.</li>
        <li>Open it on the Windows computer and confirm with the Windows Hello PIN, face or fingerprint.</li>
      </ol>
      <EnrolmentLinkAction holder={holder} kind="windows-hello" button="Create registration link" />
    </>
  );
}
