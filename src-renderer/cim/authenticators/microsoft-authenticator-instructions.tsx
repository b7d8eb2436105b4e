import { useState, type FormEvent } from 'react';
import { useServiceMutation } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { BackToAuthenticators } from './authenticator-frame.js';
import type { InstructionsProps } from './authenticator-types.js';
import { QrCode } from './qr-code.js';

// "Microsoft Authenticator" (or any authenticator app with time-based codes): scan the QR code
// (or type the secret), then enter the first code the app shows. Nothing is kept until that code
// is right. High assurance (AAL2).

export function MicrosoftAuthenticatorInstructions({ holder }: InstructionsProps) {
  const setUp = useServiceMutation('createTotpEnrolment');
  const confirm = useServiceMutation('confirmTotpEnrolment');
  const [code, setCode] = useState('');
  const who = holder.own ? 'you' : holder.name;
  if (confirm.isSuccess) {
    return (
      <>
        <div className="nhsuk-panel" role="status">
          <h2 className="nhsuk-panel__title">Microsoft Authenticator added</h2>
        </div>
        <p>{holder.own ? 'You can' : `${holder.name} can`} now sign in to clinical apps that accept high assurance with the code the app shows.</p>
        <BackToAuthenticators holder={holder} />
      </>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (setUp.data) confirm.mutate({ params: { uuid: holder.uuid, enrolmentId: setUp.data.enrolmentId }, body: { code: code.replace(/\s/g, '') } });
  };
  const errors = [setUp.error, confirm.error].filter((e) => e !== null).map((e) => ({ text: e.message, href: '#totp-code' }));
  return (
    <>
      <p>Microsoft Authenticator on a phone lets {who} sign in to clinical apps that accept high assurance (AAL2) with a 6-digit code that changes every 30 seconds.</p>
      <h2 className="nhsuk-heading-m">Before you start</h2>
      <ul className="nhsuk-list nhsuk-list--bullet">
        <li>Install Microsoft Authenticator (or another authenticator app) on the phone.</li>
        {!holder.own && <li>{holder.name} must be with you, with the phone.</li>}
      </ul>
      {errors.length > 0 && <ErrorSummary errors={errors} />}
      {setUp.isSuccess ? (
        <>
          <h2 className="nhsuk-heading-m" id="totp-qr" tabIndex={-1}>
            Scan this QR code in the app
          </h2>
          <p>In Microsoft Authenticator, choose &apos;Add account&apos;, then &apos;Other account&apos;, and scan the code.</p>
          <QrCode svg={setUp.data.qrSvg} label="QR code to add the account to the authenticator app" link={setUp.data.secret} linkHeading="I cannot scan the QR code: show the key to type in" />
          <form onSubmit={submit} noValidate>
            <div className={`nhsuk-form-group${confirm.isError ? ' nhsuk-form-group--error' : ''}`}>
              <label className="nhsuk-label" htmlFor="totp-code">
                Code from the app
              </label>
              <div className="nhsuk-hint" id="totp-code-hint">
                Enter the 6-digit code the app shows now, to check it is set up
              </div>
              <input className="nhsuk-input nhsuk-input--width-10" id="totp-code" name="code" type="text" inputMode="numeric" autoComplete="one-time-code" aria-describedby="totp-code-hint" value={code} onChange={(e) => setCode(e.target.value)} />
            </div>
            <button className="nhsuk-button" type="submit" disabled={confirm.isPending}>
              Confirm and add
            </button>
          </form>
        </>
      ) : (
        <button className="nhsuk-button" type="button" disabled={setUp.isPending} onClick={() => setUp.mutate({ params: { uuid: holder.uuid } })}>
          Show QR code
        </button>
      )}
      <BackToAuthenticators holder={holder} />
    </>
  );
}
