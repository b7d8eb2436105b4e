import type { InstructionsProps } from './authenticator-types.js';
import { EnrolmentLinkAction } from './enrolment-link.js';

// "NHS.net Connect": the person signs in once with their NHS.net account through a one-time link;
// the account is then linked to this profile and signs in to apps that accept high assurance.

export function NhsnetConnectInstructions({ holder }: InstructionsProps) {
  const who = holder.own ? 'you' : holder.name;
  return (
    <>
      <p>NHS.net Connect lets {who} sign in to clinical apps that accept high assurance (AAL2) with an NHS.net account, without a smartcard.</p>
      <h2 className="nhsuk-heading-m">What happens</h2>
      <ol className="nhsuk-list nhsuk-list--number">
        <li>Create a link. It works once, for 10 minutes.</li>
        <li>Open it{holder.own ? '' : ` with ${holder.name}`}. It goes to the NHS.net sign-in page.</li>
        <li>Sign in with the NHS.net account. The page then says the account is linked.</li>
      </ol>
      <p>One NHS.net account can be linked to one profile only.</p>
      <EnrolmentLinkAction holder={holder} kind="nhsnet-connect" button="Create link" />
    </>
  );
}
