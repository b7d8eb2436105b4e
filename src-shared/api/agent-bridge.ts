import { z } from 'zod';

// The local agent bridge: how the identity service's sign-in page (in any browser on the
// workstation) asks the Identity Agent to sign its holder in to an app with the card's session.
// The page sends the interaction's uid and the one-use ticket the service minted for that page;
// the agent redeems it at the service with its own session (token + proof), which never leaves
// it, and answers where the browser goes next. One definition, read by the agent's bridge
// server, the page's script (by its path and outcomes) and the tests.

/** The port the agent's bridge listens on (127.0.0.1) unless told otherwise (--bridge-port). */
export const DEFAULT_BRIDGE_PORT = 47_613;

/** The one path the bridge answers. */
export const BRIDGE_SIGN_IN_PATH = '/bridge/v1/sign-in';

/** The bridge's address as a service's page calls it. */
export const bridgeUrlOf = (port: number): string => `http://127.0.0.1:${port}`;

/** A sign-in ticket as the service mints it: 32 random bytes, base64url. */
const Ticket = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a sign-in ticket');

/** An interaction's uid as the provider makes them (URL-safe, bounded). */
const InteractionUid = z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'not a sign-in interaction');

export const BridgeSignInRequest = z.strictObject({ uid: InteractionUid, ticket: Ticket });
export type BridgeSignInRequest = z.infer<typeof BridgeSignInRequest>;

/**
 * What the agent answers: signed in (the browser goes to `redirectTo`); no session yet (the page
 * asks for the card and asks again); a locked session (unlock the Identity Agent first); or a
 * refusal in the user's words (a ticket used or expired, an app that needs more).
 */
export const BridgeSignInAnswer = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('signed-in'), redirectTo: z.string() }),
  z.strictObject({ outcome: z.literal('no-session') }),
  z.strictObject({ outcome: z.literal('locked') }),
  z.strictObject({ outcome: z.literal('refused'), message: z.string() }),
]);
export type BridgeSignInAnswer = z.infer<typeof BridgeSignInAnswer>;

/** What the service's endpoint the agent redeems a ticket at (auth 'session') answers; it takes a BridgeSignInRequest. */
export const SmartcardSignInResponse = z.strictObject({ redirectTo: z.string() });

/**
 * When the agent asks for the passcode: 'standard' as soon as a card goes in; 'connect' (the
 * style of NHS Smartcard Connect) only when an app asks to sign in and there is no session yet.
 */
export const SignInStyle = z.enum(['standard', 'connect']);
export type SignInStyle = z.infer<typeof SignInStyle>;
