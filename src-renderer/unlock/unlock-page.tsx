import type { UnlockView } from '../../src-shared/api/agent-api.js';
import { NewPasscodePage } from './new-passcode-page.js';
import { SecurityCodePage } from './security-code-page.js';
import { ServiceCardChoosePage } from './service-card-choose-page.js';
import { ServiceCardConfirmPage, ServiceCardDonePage, ServiceCardInsertPage, ServiceCardRefusedPage } from './service-card-pages.js';
import { SelfUnlockDonePage, SelfUnlockIntroPage, SelfUnlockRefusedPage } from './self-unlock-pages.js';
import { UnlockWorkingPage } from './unlock-working-page.js';

/**
 * One page per unlock step, self-service or "Service smartcard". Each page is keyed by its step,
 * so a new step mounts afresh (focus to its heading, empty fields) while updates within a step
 * (a wrong code, a new code sent, progress) keep focus where the user is.
 */
export function UnlockPage({ view }: { view: UnlockView }) {
  const { step } = view;
  const self = view.mode === 'self';
  switch (step.step) {
    case 'intro':
      return <SelfUnlockIntroPage key="intro" view={view} />;
    case 'code':
      return <SecurityCodePage key="code" view={view} step={step} />;
    case 'insert':
      return <ServiceCardInsertPage key="insert" view={view} />;
    case 'choose':
      return <ServiceCardChoosePage key={`choose-${view.cardUuid ?? ''}`} view={view} step={step} />;
    case 'confirm':
      return <ServiceCardConfirmPage key="confirm" view={view} />;
    case 'new-passcode':
      return <NewPasscodePage key="new-passcode" view={view} />;
    case 'working':
      return <UnlockWorkingPage key="working" view={view} progress={step.progress} />;
    case 'done':
      return self ? <SelfUnlockDonePage key="done" view={view} /> : <ServiceCardDonePage key="done" view={view} />;
    case 'refused':
      return self ? (
        <SelfUnlockRefusedPage key="refused" view={view} message={step.message} />
      ) : (
        <ServiceCardRefusedPage key="refused" view={view} message={step.message} />
      );
  }
}
