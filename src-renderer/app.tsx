import { useEffect } from 'react';
import type { Screen } from '../src-shared/api/agent-api.js';
import { useAgentSnapshot } from './api/agent-context.js';
import { AppHeader } from './components/app-header.js';
import { SkipLink } from './components/skip-link.js';
import { IdentityAgentWindow } from './identity-agent/identity-agent-window.js';
import { onCimPage, replaceWithCimHome, useIsIdentityAgentWindow } from './routing/hash-route.js';
import { ScreenView } from './screens/screen-view.js';
import { ConnectingScreen, ConnectionBanner, NotAllowedScreen } from './status/connection-banner.js';
import { LiveAnnouncer } from './status/live-announcer.js';
import { ServiceBanner } from './status/service-banner.js';
import { TrainingPanel } from './training/training-panel.js';

export function App() {
  const snapshot = useAgentSnapshot();
  const compact = useIsIdentityAgentWindow();
  useSessionEndGoesHome(snapshot.state?.screen.kind, compact);

  if (compact) {
    return (
      <>
        <IdentityAgentWindow snapshot={snapshot} />
        <LiveAnnouncer snapshot={snapshot} />
      </>
    );
  }

  const { state, connection } = snapshot;
  const signedInAs = state?.screen.kind === 'signed-in' ? state.screen.session.user.name : null;
  return (
    <>
      <SkipLink />
      <AppHeader signedInAs={signedInAs} />
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper" id="maincontent" tabIndex={-1}>
          <ConnectionBanner connection={connection} />
          {state && <ServiceBanner service={state.service} version={state.version} />}
          {connection.kind === 'no-secret' || connection.kind === 'refused' ? (
            <NotAllowedScreen reason={connection.kind} />
          ) : state ? (
            <ScreenView state={state} />
          ) : (
            <ConnectingScreen />
          )}
        </main>
        {state?.training && <TrainingPanel training={state.training} />}
      </div>
      <LiveAnnouncer snapshot={snapshot} />
    </>
  );
}

/**
 * When a session ends, the CIM address goes back to the home page, so the next person to sign in
 * does not start on the last user's page. A reload during a session, or a locked session
 * resumed, keeps the page the user was on.
 */
function useSessionEndGoesHome(screenKind: Screen['kind'] | undefined, compact: boolean): void {
  useEffect(() => {
    if (compact || screenKind === undefined || screenKind === 'signed-in' || screenKind === 'session-locked') return;
    if (onCimPage()) replaceWithCimHome();
  }, [screenKind, compact]);
}
