import { AgentCore } from './agent-core.js';
import type { Agent, AgentOptions } from './agent-types.js';

/**
 * The Identity Agent: watches `options.readers` (already created, started or not: readers and
 * cards already there are taken in, later ones arrive as events), talks to the identity
 * service at `options.serviceUrl`, and serves the renderer's requests through `handle`. The
 * caller keeps owning the reader driver (starts and closes it); `close()` ends any session at
 * the service (best effort, up to 3 s) and stops the agent's timers.
 *
 * Behaviour worth knowing when building on it:
 * - One login at a time, on the first reader (in the order the driver announced them) holding a
 *   readable card; a card in another reader waits, and is offered once the first one leaves.
 * - agent.cancelPasscode: on the position list, back to the passcode (the login ticket is
 *   dropped); on the passcode prompt, the card is set aside ('no-card' screen, the card still
 *   listed in `readers`, indicator 'card-present') until it is taken out and put back.
 * - agent.logout with the card still in sets it aside the same way: a departing user is not
 *   prompted again. A session the service ended (expired, revoked) instead brings the passcode
 *   prompt back with "Your session has ended".
 * - Session locked (card out in session-lock mode, or agent.lock): a different card is listed in
 *   its reader and the screen stays 'session-locked'; agent.logout is the way out, after which
 *   that card gets the passcode prompt. Resuming needs the card with the session's UUID AND
 *   certificate to sign a fresh random challenge with its 9A key (a copied CHUID is not
 *   enough), its passcode, and GET /v1/session still answering 200. Running the counter to 0
 *   while locked ends the session and shows the locked card.
 * - Mobility mode: removing the card changes nothing; the session locks (reason on the locked
 *   screen) `mobility.reauthMinutes` after the last login or resume and `mobility.idleMinutes`
 *   after the last request other than agent.getState, checked by a timer (`timers`, capped at
 *   30 s) and before every request. It resumes as any locked session does.
 * - The readers going away (pcscd stopped) counts as the cards being removed: in normal mode
 *   that ends the session.
 * - Indicator: 'locked' for a locked session and for a locked card; 'error' for an unreadable
 *   card or an unreachable service while not signed in; 'expiring' when signed in with renewal due.
 * - agent.changePasscode: only while signed in with the session's card in its reader ('not-now'
 *   otherwise). Mismatch, policy and "same as current" are refused before the card is touched;
 *   a wrong current passcode is 'wrong-passcode' with the attempts left, and the last one locks
 *   the card and ends the session ('card-locked'). Success sets session.passcodeChangedAt.
 * - cim.changeOwnContact: the same conditions; the service checks the new values first (a
 *   refused email costs no attempt), then the card VERIFYs the passcode and its 9A key signs the
 *   service's contact-change challenge; wrong passcodes count down and lock as above.
 * - After a correct passcode the card's counter is shown as unknown (null) until the card is read
 *   again: it is full, but the card has not said how many tries that is.
 * - Self-service unlock (unlock.*) starts only from the 'locked-card' screen ('card-not-locked'
 *   otherwise) and shows the 'self-unlock' screen; pulling the card ends it. "Service smartcard"
 *   (serviceCard.*) needs a signed-in, unlocked session whose position may unlock or renew
 *   cards ('forbidden' otherwise), and a card in another reader that is not the session's; it is
 *   shown as the signed-in screen's serviceCard, goes back to 'insert' when that card is pulled,
 *   and ends with the session (locked or ended). Both end in the same card operation (one
 *   transaction, six APDUs: unlock-card.ts) and a commit retried in the background when the
 *   service cannot be reached; afterwards the card shows 3 attempts and signs in with the new
 *   passcode. A sponsor's own card and session are never touched by it.
 * - Renewal (renewal.*, serviceCard.renew): a login (not a resume) whose certificate the service
 *   says is due brings the signed-in screen's `renewal` at step 'notice'; "Yes" -> passcode ->
 *   the card operation (one transaction, eight APDUs: renewal-card.ts) -> confirm -> 'done', and
 *   the session and the card's facts take the new certificate (the tray leaves 'expiring').
 *   "Renew smartcard certificate" on Service smartcard's choose step hands over to a 'sponsor'
 *   renewal of the card in the second reader. Pulling the card ends a renewal. A card whose 9A
 *   key does not match its certificate (GET METADATA as it is read) is finished first, on the
 *   'renewal-recovery' screen (or the signed-in screen's `renewal`, mode 'recovery'); closing it
 *   once done brings the passcode prompt. Each step is journaled in agent-journal.sqlite in the
 *   data folder (renewal-journal.ts) before it is taken.
 */
export function createAgent(options: AgentOptions): Agent {
  const agent = new AgentCore(options);
  agent.start();
  return agent;
}
