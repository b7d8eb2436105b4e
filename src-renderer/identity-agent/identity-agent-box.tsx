import { useEffect, useRef, useState } from 'react';
import { CHANGE_PASSCODE_HASH, type SignedInSession } from '../../src-shared/api/agent-api.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient, useAgentSnapshot } from '../api/agent-context.js';
import { WarningCallout } from '../components/callouts.js';
import { SummaryList } from '../components/summary-list.js';
import { describeDaysToExpiry, formatDate } from '../format/dates.js';
import { describeRoles } from '../format/roles.js';
import { ChangePasscodeForm } from './change-passcode-form.js';
import { SignedInApps } from './signed-in-apps.js';
import type { RenewalOffer } from './renewal-offer.js';

// The Identity Agent box (seed 003: "displays ... the details of the Smartcard Authentication").
// It is a named region so assistive technology can jump to it, in the main window and in the
// small #identity-agent window alike.

export const IDENTITY_AGENT_HEADING_ID = 'identity-agent-heading';

/** Opens the passcode form when the address asks for it (the tray's "Change passcode…"), then puts the address back. */
function useChangePasscodeRequest(open: () => void): void {
  const openRef = useRef(open);
  openRef.current = open;
  useEffect(() => {
    const check = (): void => {
      if (window.location.hash !== CHANGE_PASSCODE_HASH) return;
      const url = new URL(window.location.href);
      url.hash = '#/cim';
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      openRef.current();
    };
    check();
    window.addEventListener('hashchange', check);
    return () => window.removeEventListener('hashchange', check);
  }, []);
}

export interface IdentityAgentBoxProps {
  readonly session: SignedInSession;
  readonly headingLevel?: 1 | 2;
  /** Offer "Service smartcard" (sponsors and LSAs, in the main window, when not already at it). */
  readonly offerServiceCard?: boolean;
  /** The renewal buttons to show on a due certificate (renewal-offer.ts); none by default. */
  readonly renewalOffer?: RenewalOffer;
}

export function IdentityAgentBox({ session, headingLevel = 2, offerServiceCard = false, renewalOffer = null }: IdentityAgentBoxProps) {
  const client = useAgentClient();
  // What removing the card does: the agent's own words, the same in every shell and the tray.
  const removalNotice = useAgentSnapshot().state?.removalNotice;
  const [problem, setProblem] = useState<string | null>(null);
  const [changing, setChanging] = useState(false);
  const changeButtonRef = useRef<HTMLButtonElement>(null);
  const closeChange = (): void => {
    setChanging(false);
    // Back to where the form was opened from, once the button is there again.
    setTimeout(() => changeButtonRef.current?.focus(), 0);
  };
  useChangePasscodeRequest(() => {
    setProblem(null);
    setChanging(true);
  });
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  const { expiry, position } = session;

  const run = (channel: 'agent.lock' | 'agent.logout' | 'serviceCard.begin' | 'renewal.start' | 'renewal.close'): void => {
    setProblem(null);
    client.invoke(channel, {}).catch((error: unknown) => setProblem(toAgentCallError(error).message));
  };

  return (
    <section className="nhsuk-card app-identity-agent" aria-labelledby={IDENTITY_AGENT_HEADING_ID}>
      <div className="nhsuk-card__content">
        <Heading className="nhsuk-card__heading nhsuk-heading-m" id={IDENTITY_AGENT_HEADING_ID} tabIndex={-1}>
          Identity Agent
        </Heading>
        <p className="nhsuk-body-s">Smartcard authentication: signed in</p>
        {removalNotice && <p className="nhsuk-body-s app-identity-agent__removal">{removalNotice}</p>}
        <SummaryList
          className="nhsuk-summary-list--no-border app-identity-agent__details"
          rows={[
            { key: 'Name', value: session.user.name },
            { key: 'Smartcard UUID', value: <span className="app-code">{session.cardUuid}</span> },
            { key: 'Organisation', value: `${position.organisation.name} (${position.organisation.code})` },
            { key: 'Position', value: position.title },
            { key: 'Roles', value: describeRoles(position.roles) },
            {
              key: 'Certificate expires',
              value: `${formatDate(expiry.certificateNotAfter)} (${describeDaysToExpiry(expiry.daysToExpiry)})`,
            },
            ...(session.passcodeChangedAt ? [{ key: 'Passcode changed', value: formatDate(session.passcodeChangedAt) }] : []),
          ]}
        />
        {expiry.renewalDue && (
          <WarningCallout heading="Smartcard Expiry Notification" headingLevel={headingLevel === 1 ? 2 : 3}>
            <p>
              {expiry.daysToExpiry >= 0
                ? `Your smartcard certificate expires ${describeDaysToExpiry(expiry.daysToExpiry)}, on ${formatDate(expiry.certificateNotAfter)}. Renew it before then so you can keep logging in.`
                : `Your smartcard certificate expired on ${formatDate(expiry.certificateNotAfter)}. Make an appointment with your Registration Authority team to renew it in person.`}
            </p>
            {renewalOffer === 'renew-now' && (
              <p>
                <button className="nhsuk-button nhsuk-button--small" type="button" onClick={() => run('renewal.start')}>
                  Renew now
                </button>
              </p>
            )}
            {renewalOffer === 'yes' && (
              <>
                <p>Renew it now? You will need your smartcard passcode.</p>
                <div className="nhsuk-button-group">
                  <button className="nhsuk-button nhsuk-button--small" type="button" onClick={() => run('renewal.start')}>
                    Yes
                  </button>
                  <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={() => run('renewal.close')}>
                    No
                  </button>
                </div>
              </>
            )}
          </WarningCallout>
        )}
        <SignedInApps headingLevel={headingLevel === 1 ? 2 : 3} />
        {problem && (
          <p className="nhsuk-error-message" role="alert">
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {problem}
          </p>
        )}
        {changing ? (
          <ChangePasscodeForm onDone={closeChange} headingLevel={headingLevel === 1 ? 2 : 3} />
        ) : (
          <p>
            <button
              ref={changeButtonRef}
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
              type="button"
              onClick={() => {
                setProblem(null);
                setChanging(true);
              }}
            >
              Change passcode
            </button>
          </p>
        )}
        {offerServiceCard && (
          <>
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-2" id="service-card-hint">
              Unlock or renew a colleague&apos;s smartcard in the second reader.
            </p>
            <p>
              <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" aria-describedby="service-card-hint" onClick={() => run('serviceCard.begin')}>
                Service smartcard
              </button>
            </p>
          </>
        )}
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={() => run('agent.lock')}>
            Lock
          </button>
          <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={() => run('agent.logout')}>
            Log out
          </button>
        </div>
      </div>
    </section>
  );
}
