import { useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { CheckDetail } from '../../../src-shared/api/apply.js';
import { useServiceMutation } from '../../api/service-query.js';
import { WarningCallout } from '../../components/callouts.js';
import { ErrorMessage, ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { REJECT_REASON_ID, RejectReasonForm } from '../../components/reject-reason-form.js';

// The ID checker's decision on one application. Approve asks for a confirmation first (it
// creates a profile); for "copy a colleague's access" the checker ticks which of the colleague's
// positions the applicant gets. Reject needs a reason: the sponsor reads it.

type Detail = z.infer<typeof CheckDetail>;
type Person = { readonly uuid: string; readonly name: string };
export type Decided =
  | { readonly outcome: 'approved'; readonly applicantName: string; readonly user: Person }
  | { readonly outcome: 'duplicate'; readonly applicantName: string; readonly user: Person }
  | { readonly outcome: 'rejected'; readonly applicantName: string };

const POSITIONS_ID = 'copy-positions';

export function CheckDecision({ detail, onDecided }: { detail: Detail; onDecided: (decided: Decided) => void }) {
  const { summary } = detail.application;
  const approve = useServiceMutation('applyApprove');
  const reject = useServiceMutation('applyReject');
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [positionIds, setPositionIds] = useState<readonly number[]>(() => detail.colleague?.positions.map((p) => p.id) ?? []);
  const [problems, setProblems] = useState<{ reason?: string; positions?: string }>({});
  const summaryRef = useRef<HTMLDivElement>(null);
  const busy = approve.isPending || reject.isPending;
  const copying = detail.application.access.kind === 'copy';
  const applicantName = summary.applicantName;

  const showProblems = (found: typeof problems): void => {
    setProblems(found);
    requestAnimationFrame(() => summaryRef.current?.focus());
  };

  const startApproval = (): void => {
    if (copying && (detail.colleague?.positions.length ?? 0) > 0 && positionIds.length === 0) {
      showProblems({ positions: 'Select the positions to give the applicant' });
      return;
    }
    setProblems({});
    setConfirming(true);
  };

  const confirmApproval = (): void => {
    if (busy) return;
    approve.mutate(
      { params: { reference: summary.reference }, body: copying ? { positionIds: [...positionIds] } : {} },
      {
        onSuccess: (result) =>
          onDecided(result.outcome === 'approved' ? { outcome: 'approved', applicantName, user: result.user } : { outcome: 'duplicate', applicantName, user: result.existing }),
        onError: () => {
          setConfirming(false);
          requestAnimationFrame(() => summaryRef.current?.focus());
        },
      },
    );
  };

  const submitReject = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (busy) return;
    if (reason.trim() === '') {
      showProblems({ reason: 'Enter the reason for rejecting the application' });
      return;
    }
    setProblems({});
    reject.mutate(
      { params: { reference: summary.reference }, body: { reason: reason.trim() } },
      { onSuccess: () => onDecided({ outcome: 'rejected', applicantName }), onError: () => requestAnimationFrame(() => summaryRef.current?.focus()) },
    );
  };

  const failure = approve.error?.message ?? reject.error?.message ?? null;
  const errors: ErrorItem[] = [
    ...(problems.positions ? [{ text: problems.positions, href: `#${POSITIONS_ID}-0` }] : []),
    ...(problems.reason ? [{ text: problems.reason, href: `#${REJECT_REASON_ID}` }] : []),
    ...(failure ? [{ text: failure }] : []),
  ];

  if (confirming) {
    return (
      <>
        <h2 className="nhsuk-heading-m">Approve this application</h2>
        <WarningCallout heading="Check before you approve" headingLevel={3}>
          <p>
            Approving creates a Care Identity profile for {applicantName} at {summary.organisation.name}
            {copying ? ` with the ${positionIds.length === 1 ? 'position' : 'positions'} you selected` : ' with the position requested'}, and adds them to the
            Registration Authority&apos;s cards to issue. The applicant&apos;s documents are then deleted.
          </p>
        </WarningCallout>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="button" disabled={busy} onClick={confirmApproval}>
            Confirm approval
          </button>
          <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Go back
          </button>
        </div>
        <LiveStatus className="nhsuk-body" message={busy ? 'Approving the application…' : ''} />
      </>
    );
  }

  return (
    <>
      <ErrorSummary ref={summaryRef} errors={errors} />
      <h2 className="nhsuk-heading-m">Your decision</h2>
      {copying && <ColleaguePositions detail={detail} chosen={positionIds} onChange={setPositionIds} error={problems.positions} />}
      <p>Approve the application when the documents and photograph show the person in the applicant&apos;s details.</p>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" disabled={busy} onClick={startApproval}>
          Approve
        </button>
      </div>
      <RejectReasonForm
        hint="The sponsor reads this reason. If the smartcard is still needed, they apply again from the start."
        reason={reason}
        onReasonChange={setReason}
        problem={problems.reason}
        busy={busy}
        submitLabel="Reject application"
        onSubmit={submitReject}
      />
      <LiveStatus className="nhsuk-body" message={busy ? 'Saving your decision…' : ''} />
    </>
  );
}

/** The colleague whose access is copied, and their positions as checkboxes (all ticked at first). */
function ColleaguePositions({ detail, chosen, onChange, error }: { detail: Detail; chosen: readonly number[]; onChange: (ids: readonly number[]) => void; error?: string }) {
  const { colleague, application } = detail;
  if (application.access.kind !== 'copy') return null;
  if (!colleague) {
    return (
      <WarningCallout heading="No smartcard user has that number" headingLevel={3}>
        <p>
          No profile has a smartcard numbered {application.access.colleagueCardNumber}, so there is no access to copy. Reject the application with that reason,
          or approve it and give the applicant their positions in Care Identity Management afterwards.
        </p>
      </WarningCallout>
    );
  }
  const toggle = (id: number, on: boolean): void => onChange(on ? [...chosen, id] : chosen.filter((c) => c !== id));
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <fieldset className="nhsuk-fieldset" aria-describedby={`${POSITIONS_ID}-hint${error ? ` ${POSITIONS_ID}-error` : ''}`}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{`Positions of ${colleague.name} to give the applicant`}</legend>
        <div className="nhsuk-hint" id={`${POSITIONS_ID}-hint`}>
          Select all that apply. The applicant gets only the positions you select.
        </div>
        {error && <ErrorMessage id={`${POSITIONS_ID}-error`}>{error}</ErrorMessage>}
        <div className="nhsuk-checkboxes">
          {colleague.positions.map((p, i) => (
            <div className="nhsuk-checkboxes__item" key={p.id}>
              <input
                className="nhsuk-checkboxes__input"
                id={`${POSITIONS_ID}-${i}`}
                type="checkbox"
                checked={chosen.includes(p.id)}
                onChange={(e) => toggle(p.id, e.target.checked)}
              />
              <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`${POSITIONS_ID}-${i}`}>
                {`${p.title} at ${p.organisation}`}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}
