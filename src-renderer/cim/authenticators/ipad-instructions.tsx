import { useServiceMutation } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { formatTime } from '../../format/dates.js';
import { BackToAuthenticators } from './authenticator-frame.js';
import type { InstructionsProps } from './authenticator-types.js';
import { QrCode } from './qr-code.js';

// "iPad": the NHS CIS2 app on the user's iPad scans a QR code the RA generates with the user
// present. The code works once, for 5 minutes. This page does not change by itself when the iPad
// has registered: the profile's Authenticators tab lists it once the profile is shown again.

export function IpadInstructions({ holder }: InstructionsProps) {
  const generate = useServiceMutation('createIpadEnrolment');
  const make = () => generate.mutate({ params: { uuid: holder.uuid } });
  return (
    <>
      <p>An iPad with the NHS CIS2 app lets {holder.name} sign in to clinical apps with face or fingerprint biometrics, without a smartcard or reader. It reaches very high assurance (AAL3).</p>
      <h2 className="nhsuk-heading-m">Before you can register an iPad</h2>
      <ol className="nhsuk-list nhsuk-list--number">
        <li>The iPad must have the NHS CIS2 app installed, by the user or their local IT team. The app is only available on the Apple Business App store.</li>
        <li>
          The user must check that the iPad is not already registered. When they open the NHS CIS2 app, the first screen shows &apos;This device is not registered&apos; if they can begin. If it shows &apos;This device is registered&apos;, the iPad must be removed from the profile it is registered to first.
        </li>
        <li>You must be in the room with the user and the iPad, or on a video call with them, while the iPad is registered.</li>
      </ol>
      <p>Each person has one iPad. Registering a new one replaces the iPad registered before.</p>
      {generate.isError && <ErrorSummary errors={[{ text: generate.error.message }]} />}
      {generate.isSuccess ? (
        <>
          <h2 className="nhsuk-heading-m" id="qr-code" tabIndex={-1}>
            Scan this QR code with the NHS CIS2 app
          </h2>
          <QrCode svg={generate.data.qrSvg} label="QR code to register the iPad" link={generate.data.link} linkHeading="The user cannot scan the QR code" />
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>
              The user now has 5 minutes to scan this code using the NHS CIS2 app (until {formatTime(generate.data.expiresAt)}). They will then need to follow the instructions they see on the iPad.
            </p>
          </div>
          <p>
            When they have finished, this screen will not change by itself. Return to the user&apos;s profile: the iPad is shown in the list on the &apos;Authenticators&apos; tab.
          </p>
          <p>If the iPad says &apos;This QR code has expired. Generate a new one.&apos;, generate a new QR code.</p>
          <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={generate.isPending} onClick={make}>
            Generate a new QR code
          </button>
        </>
      ) : (
        <>
          <div role="status" className="nhsuk-body">
            {generate.isPending ? 'Generating the QR code…' : ''}
          </div>
          <p>When you have read the instructions and you are both ready, generate the QR code.</p>
          <button className="nhsuk-button" type="button" disabled={generate.isPending} onClick={make}>
            Generate QR code
          </button>
        </>
      )}
      <BackToAuthenticators holder={holder} />
    </>
  );
}
