import type { RenewalView } from '../../src-shared/api/agent-api.js';

// Whose card each renewal page speaks about. Self renewal speaks to the signed-in holder, whose
// name is in the Identity Agent box beside it; a sponsor's pages name the holder in the caption,
// since the sponsor reads them and hands over for the passcode; recovery comes before anyone is
// signed in, so it names the card's holder too and has its own heading.

export const RECOVERY_HEADING = "Finishing your smartcard's renewal";

/** The caption over a page's heading: the card holder, when the agent knows who. */
export function renewalCaption(view: RenewalView): string | undefined {
  switch (view.mode) {
    case 'self':
      return undefined;
    case 'sponsor':
      return view.holderName ?? 'Service smartcard';
    case 'recovery':
      return view.holderName ?? undefined;
  }
}

/** "Keep the smartcard in Reader 2 …": where the card must stay while it is changed. */
export function keepCardIn(view: RenewalView): string {
  return view.reader ? `Keep the smartcard in ${view.reader} until this has finished.` : 'Keep the smartcard in its reader until this has finished.';
}
