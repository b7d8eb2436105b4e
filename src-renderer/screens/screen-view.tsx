import type { AgentState } from '../../src-shared/api/agent-api.js';
import { RenewalPage } from '../renewal/renewal-page.js';
import { UnlockPage } from '../unlock/unlock-page.js';
import { ChoosePositionScreen } from './choose-position-screen.js';
import { LockedCardScreen } from './locked-card-screen.js';
import { PasscodeScreen } from './passcode-screen.js';
import { CardErrorScreen, NoCardScreen, NoReadersScreen, ReadingCardScreen } from './reader-status-screens.js';
import { SessionLockedScreen } from './session-locked-screen.js';
import { SignedInScreen } from './signed-in-screen.js';

/**
 * The agent's current screen. Each is keyed by what makes it a new screen, so React mounts it
 * afresh (focus to its heading, no leftover form state) exactly when the user sees a new one.
 */
export function ScreenView({ state }: { state: AgentState }) {
  const screen = state.screen;
  switch (screen.kind) {
    case 'no-readers':
      return <NoReadersScreen key="no-readers" />;
    case 'no-card':
      return <NoCardScreen key="no-card" readers={state.readers} />;
    case 'reading-card':
      return <ReadingCardScreen key={`reading-${screen.reader}`} reader={screen.reader} />;
    case 'card-error':
      return <CardErrorScreen key={`card-error-${screen.reader}`} reader={screen.reader} message={screen.message} />;
    case 'passcode':
      return <PasscodeScreen key={`passcode-${screen.cardUuid}`} screen={screen} />;
    case 'locked-card':
      return <LockedCardScreen key={`locked-${screen.cardUuid}`} screen={screen} />;
    case 'choose-position':
      return <ChoosePositionScreen key={`choose-${screen.reader}`} screen={screen} />;
    case 'signed-in':
      return <SignedInScreen key={`signed-in-${screen.session.cardUuid}-${screen.session.signedInAt}`} screen={screen} />;
    case 'renewal-recovery':
      return <RenewalPage key={`renewal-recovery-${screen.renewal.cardUuid ?? ''}`} view={screen.renewal} />;
    case 'self-unlock':
      return <UnlockPage key={`self-unlock-${screen.unlock.cardUuid ?? ''}`} view={screen.unlock} />;
    case 'session-locked':
      return <SessionLockedScreen key={`session-locked-${screen.cardUuid}`} screen={screen} />;
  }
}
