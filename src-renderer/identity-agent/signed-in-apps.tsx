import { useEffect, useRef, useState } from 'react';
import type { SignedInApp } from '../../src-shared/api/oidc.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient, useAgentSnapshot } from '../api/agent-context.js';

// "Signed in to" in the Identity Agent box: the apps this session signed in to with the
// smartcard, each with "Sign out" (the app is told at once, by back-channel logout). The list is
// the agent's (the signed-in screen's `signedInTo`), so the main window and Electron's small box
// show the same; it is asked for afresh when the box opens and whenever its window comes back
// into view, and the agent refreshes it itself after a sign-in or a sign-out.

const NO_APPS: readonly SignedInApp[] = [];
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

export function SignedInApps({ headingLevel }: { headingLevel: 2 | 3 }) {
  const client = useAgentClient();
  const screen = useAgentSnapshot().state?.screen;
  const apps = screen?.kind === 'signed-in' ? screen.signedInTo : NO_APPS;
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [signedOut, setSignedOut] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const refresh = (): void => {
      if (document.visibilityState !== 'visible') return;
      // Best effort: the list stays as the agent last had it when the service cannot say.
      client.invoke('signIns.list', {}).catch(() => undefined);
    };
    refresh();
    document.addEventListener('visibilitychange', refresh);
    window.addEventListener('focus', refresh);
    return () => {
      document.removeEventListener('visibilitychange', refresh);
      window.removeEventListener('focus', refresh);
    };
  }, [client]);

  const signOut = (app: SignedInApp): void => {
    setProblem(null);
    setSignedOut(null);
    setBusy(app.signInId);
    client
      .invoke('signIns.signOut', { signInId: app.signInId })
      .then(
        () => {
          setSignedOut(`Signed out of ${app.name}.`);
          // The button pressed has gone: keep the keyboard in the list's place.
          headingRef.current?.focus();
        },
        (error: unknown) => setProblem(toAgentCallError(error).message),
      )
      .finally(() => setBusy(null));
  };

  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className="app-identity-agent__apps">
      <Heading className="nhsuk-heading-s nhsuk-u-margin-bottom-2" id="signed-in-apps-heading" ref={headingRef} tabIndex={-1}>
        Signed in to
      </Heading>
      <p className="nhsuk-body-s" role="status">
        {signedOut}
      </p>
      {problem && (
        <p className="nhsuk-error-message" role="alert">
          <span className="nhsuk-u-visually-hidden">Error: </span>
          {problem}
        </p>
      )}
      {apps.length === 0 ? (
        <p className="nhsuk-body-s">No apps.</p>
      ) : (
        <ul className="nhsuk-list" aria-labelledby="signed-in-apps-heading">
          {apps.map((app) => (
            <li key={app.signInId} className="app-identity-agent__app">
              <span>
                {app.name} <span className="nhsuk-body-s nhsuk-u-secondary-text-color">since {TIME.format(new Date(app.signedInAt))}</span>
              </span>{' '}
              <button
                className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
                type="button"
                aria-label={`Sign out of ${app.name}`}
                disabled={busy !== null}
                onClick={() => signOut(app)}
              >
                Sign out
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
