import type { InstructionsProps } from './authenticator-types.js';
import { EnrolmentLinkAction } from './enrolment-link.js';

// "Security key or passkey": a FIDO2 security key (USB or NFC) or a passkey on a phone, through
// the browser's WebAuthn dialog on the identity service's registration page.

export function SecurityKeyInstructions({ holder }: InstructionsProps) {
  const who = holder.own ? 'you' : holder.name;
  return (
    <>
      <p>A security key or passkey lets {who} sign in to clinical apps that accept high assurance, without a smartcard.</p>
      <h2 className="nhsuk-heading-m">Before you start</h2>
      <ul className="nhsuk-list nhsuk-list--bullet">
        <li>Have the security key ready, with its PIN set, or the phone that will keep the passkey.</li>
        <li>Use an up-to-date browser (Microsoft Edge, Google Chrome, Firefox or Safari).</li>
        {!holder.own && <li>{holder.name} must be with you, or open the link on their own computer.</li>}
      </ul>
      <h2 className="nhsuk-heading-m">What happens</h2>
      <ol className="nhsuk-list nhsuk-list--number">
        <li>Create a registration link. It works once, for 10 minutes.</li>
        <li>Open it. The browser asks to insert or touch the key, or to scan a QR code with the phone.</li>
        <li>Enter the key&apos;s PIN, or use its fingerprint reader, when asked.</li>
      </ol>
      <p>A key that the service can confirm is genuine hardware reaches very high assurance (AAL3); a passkey reaches high assurance (AAL2).</p>
      <EnrolmentLinkAction holder={holder} kind="security-key" button="Create registration link" />
    </>
  );
}
