import { useEffect, useRef, useState, type FormEvent } from 'react';
import { CANCEL_REASON_LABELS, CancelReason } from '../../../src-shared/api/cim-cards.js';
import { useServiceMutation } from '../../api/service-query.js';
import { WarningCallout } from '../../components/callouts.js';
import { ErrorMessage, ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SuccessBanner, TextArea } from '../users/user-form-fields.js';
import { BackToProfile, SmartcardFrame, WithCard, type Holder, type ProfileCard } from './smartcard-frame.js';

// "Cancel a smartcard": lost, stolen, damaged or no longer needed. No card is needed: the service
// revokes its certificates and ends its sessions at once, and the card is refused at login.

const TITLE = 'Cancel a smartcard';
const REASON_ID = 'cancel-reason';
const NOTE_ID = 'cancel-note';
const REASONS = CancelReason.options;
type Reason = (typeof REASONS)[number];
const NOTE_MAX = 500;

export function CancelSmartcardPage({ uuid, cardUuid }: { uuid: string; cardUuid: string }) {
  return (
    <SmartcardFrame uuid={uuid} heading={TITLE}>
      {(holder) => (
        <WithCard holder={holder} cardUuid={cardUuid} heading={TITLE}>
          {(card) => <CancelForm holder={holder} card={card} />}
        </WithCard>
      )}
    </SmartcardFrame>
  );
}

function CancelForm({ holder, card }: { holder: Holder; card: ProfileCard }) {
  const mutation = useServiceMutation('cancelSmartcard');
  const summaryRef = useRef<HTMLDivElement>(null);
  const [reason, setReason] = useState<Reason | null>(null);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<readonly ErrorItem[]>([]);
  const [failures, setFailures] = useState(0);

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (items: readonly ErrorItem[]): void => {
    setErrors(items);
    setFailures((n) => n + 1);
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (mutation.isPending) return;
    const problems: ErrorItem[] = [];
    if (reason === null) problems.push({ text: 'Select why you are cancelling this smartcard', href: `#${REASON_ID}-${REASONS[0]}` });
    if (note.trim().length > NOTE_MAX) problems.push({ text: `The note must be ${NOTE_MAX} characters or fewer`, href: `#${NOTE_ID}` });
    if (problems.length > 0 || reason === null) return fail(problems);
    setErrors([]);
    const text = note.trim();
    mutation.mutate({ params: { cardUuid: card.uuid }, body: { reason, ...(text ? { note: text } : {}) } }, { onError: (e) => fail([{ text: e.message }]) });
  };

  if (mutation.isSuccess) {
    const { certificatesRevoked, sessionsEnded } = mutation.data;
    return (
      <>
        <SuccessBanner id="smartcard-cancelled">
          <PageHeading className="nhsuk-notification-banner__heading">Smartcard cancelled successfully</PageHeading>
          <p className="nhsuk-body">
            The smartcard with serial number {card.serial} can no longer be used to log in. {certificatesRevoked === 1 ? '1 certificate was' : `${certificatesRevoked} certificates were`}{' '}
            revoked and {sessionsEnded === 1 ? '1 session was' : `${sessionsEnded} sessions were`} ended.
          </p>
        </SuccessBanner>
        <BackToProfile holder={holder} />
      </>
    );
  }

  const reasonError = errors.find((e) => e.href?.startsWith(`#${REASON_ID}`))?.text;
  const noteError = errors.find((e) => e.href === `#${NOTE_ID}`)?.text;
  if (card.status === 'cancelled') {
    return (
      <>
        <PageHeading caption={holder.name}>{TITLE}</PageHeading>
        <p>The smartcard with serial number {card.serial} is already cancelled.</p>
        <BackToProfile holder={holder} />
      </>
    );
  }
  return (
    <>
      <PageHeading caption={holder.name}>{TITLE}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={errors} />
      <WarningCallout heading="Important" headingLevel={2}>
        <p>
          Cancelling revokes the certificates of this smartcard (serial number {card.serial}) and ends its sessions now, on every workstation. {holder.name} cannot log
          in with it again. This cannot be undone.
        </p>
      </WarningCallout>
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${reasonError ? ' nhsuk-form-group--error' : ''}`}>
          <fieldset className="nhsuk-fieldset" aria-describedby={reasonError ? `${REASON_ID}-error` : undefined}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Why are you cancelling this smartcard?</legend>
            {reasonError && <ErrorMessage id={`${REASON_ID}-error`}>{reasonError}</ErrorMessage>}
            <div className="nhsuk-radios">
              {REASONS.map((r) => (
                <div className="nhsuk-radios__item" key={r}>
                  <input className="nhsuk-radios__input" id={`${REASON_ID}-${r}`} name="reason" type="radio" value={r} checked={reason === r} onChange={() => setReason(r)} />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${REASON_ID}-${r}`}>
                    {CANCEL_REASON_LABELS[r]}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
        </div>
        <TextArea id={NOTE_ID} label="Note (optional)" hint="Anything the Registration Authority should know. It is kept with the smartcard's history." error={noteError} value={note} onChange={setNote} />
        <div role="status" className="nhsuk-body">
          {mutation.isPending ? 'Cancelling the smartcard…' : ''}
        </div>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--warning" type="submit" disabled={mutation.isPending}>
            Cancel smartcard
          </button>
          <a className="nhsuk-link" href={holder.back}>
            Go back without cancelling
          </a>
        </div>
      </form>
    </>
  );
}
