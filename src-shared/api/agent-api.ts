import { z } from 'zod';
import { RoleCode } from '../domain/roles.js';
import { ProfileView } from './cim-profile.js';
import { ChangeOwnContactRequest, ContactDetails, FindUsersRequest, FindUsersResponse } from './service-cim.js';
import { CardAlgorithm, IsoDateTime, OrganisationSummary, PositionSummary, Uuid } from './service-common.js';
import { SERVICE_ENDPOINTS } from './service-endpoints.js';
import { OutboxMessage, UnlockChannel } from './service-unlock.js';
import { ReportExportId, ReportExportProgress, ReportExportRequest, ReportExportTicket } from './cim-reports.js';
import { CardReadout, RepairedPart } from './cim-cards.js';
import { SessionSignIns } from './endpoints-sign-ins.js';
import { SignedInApp } from './oidc.js';

// The one contract between the renderer and the agent (main process), whichever shell carries it
// (Electron IPC or the browser shell's WebSocket). The renderer is told the agent's state and may
// ask for the things listed in AGENT_CHANNELS; nothing else crosses. No message the renderer
// receives ever carries a passcode, a session token, a PUK or a key.

/**
 * What taking the session's card out does. normal: the session ends (and every app it signed in
 * to is signed out). session-lock: the session locks until the same card and passcode are back.
 * mobility: nothing; instead the card and passcode are asked for again every so many minutes,
 * and after so many minutes without use (the session locks until they are given).
 */
export const RemovalMode = z.enum(['normal', 'session-lock', 'mobility']);
export type RemovalMode = z.infer<typeof RemovalMode>;

const CardExpiry = z.strictObject({
  certificateNotAfter: IsoDateTime,
  daysToExpiry: z.number().int(),
  /** Within 90 days: the Smartcard Expiry Notification is due at every login until renewed. */
  renewalDue: z.boolean(),
});

const PositionChoice = z.strictObject({
  positionId: z.number().int().positive(),
  title: z.string(),
  organisation: OrganisationSummary,
  roles: z.array(RoleCode),
});

export const SignedInSession = z.strictObject({
  user: z.strictObject({ uuid: Uuid, name: z.string() }),
  cardUuid: Uuid,
  reader: z.string(),
  position: PositionSummary,
  expiry: CardExpiry,
  signedInAt: IsoDateTime,
  /** Set once the holder has changed the card's passcode during this session (an audit fact, never the passcode). */
  passcodeChangedAt: IsoDateTime.optional(),
});
export type SignedInSession = z.infer<typeof SignedInSession>;

/**
 * Where an unlock has got to. Self-service: intro -> code -> new-passcode -> working -> done.
 * Sponsor or LSA ("Service smartcard"): insert -> choose -> confirm -> new-passcode -> working
 * -> done. Either may end in `refused` (the reason, in words). No step carries a PUK, a code
 * or a passcode: those stay in the main process, or are only ever typed.
 */
export const UnlockStep = z.discriminatedUnion('step', [
  /** Self-service: what will happen; "Start now". */
  z.strictObject({ step: z.literal('intro') }),
  /** Self-service: the code has been sent; type it in. */
  z.strictObject({
    step: z.literal('code'),
    channel: UnlockChannel,
    sentTo: z.string(),
    codeExpiresAt: IsoDateTime,
    /** The holder may have the code sent here instead. */
    otherChannel: UnlockChannel.nullable(),
  }),
  /** Sponsor: waiting for the locked card in a reader other than the session's. */
  z.strictObject({ step: z.literal('insert') }),
  /** Sponsor: the card is checked and may be serviced; "Unlock smartcard" / "Renew smartcard certificate". */
  z.strictObject({
    step: z.literal('choose'),
    certificateNotAfter: IsoDateTime,
    /** Whole days to the certificate's notAfter (UTC); negative once expired. */
    daysToExpiry: z.number().int(),
    /** Why unlocking is not offered for this card (not locked, out of scope...), or null. */
    unlockRefusal: z.string().nullable(),
    /** Why renewing is not offered (too early, expired for this role...), or null. */
    renewRefusal: z.string().nullable(),
  }),
  /** Sponsor: hand over to the card holder; "Continue". */
  z.strictObject({ step: z.literal('confirm') }),
  /** The card holder types a new passcode and confirms it. */
  z.strictObject({ step: z.literal('new-passcode') }),
  /** The card and the service at work. */
  z.strictObject({ step: z.literal('working'), progress: z.string() }),
  z.strictObject({ step: z.literal('done') }),
  z.strictObject({ step: z.literal('refused'), message: z.string() }),
]);
export type UnlockStep = z.infer<typeof UnlockStep>;

export const UnlockView = z.strictObject({
  mode: z.enum(['self', 'sponsor']),
  /** The reader holding the card being unlocked (null while waiting for it). */
  reader: z.string().nullable(),
  holderName: z.string().nullable(),
  cardUuid: Uuid.nullable(),
  step: UnlockStep,
  busy: z.boolean(),
  /** The last request's problem (a wrong code, passcodes not matching...), in words. */
  error: z.string().nullable(),
});
export type UnlockView = z.infer<typeof UnlockView>;

/**
 * Renewing a card's 9A certificate on the same card. Self: the Smartcard Expiry Notification at
 * login ("Yes" -> passcode -> working -> done). Sponsor or LSA: from "Service smartcard",
 * "Renew smartcard certificate" -> the card holder enters their passcode -> working -> done.
 * Recovery: a card whose renewal was cut short is finished on insertion (working -> done, or
 * passcode first when the card must make its key again).
 */
export const RenewalStep = z.discriminatedUnion('step', [
  /** The Smartcard Expiry Notification: "Yes" starts the renewal, "No" carries on (asked again next login). */
  z.strictObject({ step: z.literal('notice'), daysToExpiry: z.number().int(), certificateNotAfter: IsoDateTime }),
  /** The card holder's passcode: the card signs the new certificate request with it. */
  z.strictObject({ step: z.literal('passcode'), attemptsRemaining: z.number().int().min(0).nullable() }),
  z.strictObject({ step: z.literal('working'), progress: z.string() }),
  /** "Smartcard renewed successfully". */
  z.strictObject({ step: z.literal('done'), certificateNotAfter: IsoDateTime }),
  z.strictObject({ step: z.literal('refused'), message: z.string() }),
]);
export type RenewalStep = z.infer<typeof RenewalStep>;

export const RenewalView = z.strictObject({
  mode: z.enum(['self', 'sponsor', 'recovery']),
  reader: z.string().nullable(),
  holderName: z.string().nullable(),
  cardUuid: Uuid.nullable(),
  step: RenewalStep,
  busy: z.boolean(),
  error: z.string().nullable(),
});
export type RenewalView = z.infer<typeof RenewalView>;

/** What the main window shows; exactly one at a time. */
export const Screen = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('no-readers') }),
  z.strictObject({ kind: z.literal('no-card') }),
  z.strictObject({ kind: z.literal('reading-card'), reader: z.string() }),
  z.strictObject({ kind: z.literal('card-error'), reader: z.string(), message: z.string() }),
  z.strictObject({
    kind: z.literal('passcode'),
    reader: z.string(),
    holderName: z.string(),
    cardUuid: Uuid,
    /** Known once the card has said (after a wrong entry, or from the card's counter). */
    attemptsRemaining: z.number().int().min(0).nullable(),
    /** The next wrong passcode locks the card. */
    lastAttempt: z.boolean(),
    /** Set while the passcode is being checked by the card and the service. */
    busy: z.boolean(),
    error: z.string().nullable(),
  }),
  z.strictObject({ kind: z.literal('locked-card'), reader: z.string(), holderName: z.string(), cardUuid: Uuid }),
  z.strictObject({
    kind: z.literal('choose-position'),
    reader: z.string(),
    holderName: z.string(),
    positions: z.array(PositionChoice),
    rememberedPositionId: z.number().int().positive().nullable(),
    busy: z.boolean(),
    error: z.string().nullable(),
  }),
  z.strictObject({
    kind: z.literal('signed-in'),
    session: SignedInSession,
    /** "Service smartcard" under way (a sponsor or LSA unlocking a card in another reader). */
    serviceCard: UnlockView.nullable(),
    /** A renewal under way: self (from the expiry notification) or sponsor (of the card in another reader). Shown before serviceCard. */
    renewal: RenewalView.nullable(),
    /** "Signed in to": the apps this session signed in to, as the service last said (signIns.list refreshes it). */
    signedInTo: z.array(SignedInApp),
  }),
  /** A card whose renewal was cut short, being finished before it can be used. */
  z.strictObject({ kind: z.literal('renewal-recovery'), renewal: RenewalView }),
  /** Self-service unlock of the locked card in `unlock.reader`. */
  z.strictObject({ kind: z.literal('self-unlock'), unlock: UnlockView }),
  z.strictObject({
    kind: z.literal('session-locked'),
    holderName: z.string(),
    cardUuid: Uuid,
    /** The reader holding the session's card, once it is back. */
    reader: z.string().nullable(),
    attemptsRemaining: z.number().int().min(0).nullable(),
    busy: z.boolean(),
    error: z.string().nullable(),
    /** Mobility mode: why the agent asks for the card again (time to re-authenticate, or idle). */
    reason: z.string().optional(),
  }),
]);
export type Screen = z.infer<typeof Screen>;

export const ReaderView = z.strictObject({
  name: z.string(),
  card: z
    .strictObject({
      holderName: z.string().nullable(),
      cardUuid: Uuid.nullable(),
      /** This card carries the signed-in (or locked) session. */
      inSession: z.boolean(),
    })
    .nullable(),
});

export const ServiceStatus = z.strictObject({
  status: z.enum(['connecting', 'connected', 'unreachable']),
  message: z.string().nullable(),
  /** Seconds until the next automatic retry while unreachable. */
  retryInSeconds: z.number().int().nonnegative().nullable(),
});

const TrainingPersona = z.strictObject({
  key: z.string(),
  role: z.string(),
  name: z.string(),
  /**
   * Training cards only: shown so newcomers can log in. Never a real passcode. Null for a blank
   * card once issued: its passcode is the one its holder chose.
   */
  passcode: z.string().nullable(),
  insertedIn: z.string().nullable(),
});

/** The training panel, present only in training mode. */
export const TrainingView = z.strictObject({
  personas: z.array(TrainingPersona),
  readers: z.array(z.string()),
  /** The embedded service's outbox (security codes sent by email and SMS), newest first. */
  outbox: z.array(OutboxMessage),
  /** The relying parties training runs (its "Training clinical app"), to open in a new tab. */
  apps: z.array(z.strictObject({ name: z.string(), url: z.url() })),
});

/** The Identity Agent's tray/status summary (also the tray icon's state in Electron). */
export const AgentIndicator = z.enum(['no-reader', 'no-card', 'card-present', 'signed-in', 'locked', 'expiring', 'error']);
export type AgentIndicator = z.infer<typeof AgentIndicator>;

export const AgentState = z.strictObject({
  /** Increases with every change, so a client can drop stale snapshots. */
  version: z.number().int().nonnegative(),
  indicator: AgentIndicator,
  removalMode: RemovalMode,
  /** What removing the smartcard will do, in the words every shell shows (the Identity Agent box, the tray). */
  removalNotice: z.string(),
  service: ServiceStatus,
  readers: z.array(ReaderView),
  screen: Screen,
  training: TrainingView.nullable(),
});
export type AgentState = z.infer<typeof AgentState>;

const Ok = z.strictObject({ ok: z.literal(true) });

type ServiceEndpoints = typeof SERVICE_ENDPOINTS;
/** The service endpoints the renderer may have the agent call with the session (`viaAgent` in the table). */
export type ViaAgentEndpoint = { [K in keyof ServiceEndpoints]: ServiceEndpoints[K] extends { viaAgent: true } ? K : never }[keyof ServiceEndpoints];
const viaAgentNames = Object.entries(SERVICE_ENDPOINTS)
  .filter(([, e]) => 'viaAgent' in e && e.viaAgent === true)
  .map(([name]) => name) as [ViaAgentEndpoint, ...ViaAgentEndpoint[]];
const ViaAgentEndpointName = z.enum(viaAgentNames);

/**
 * One call of a `viaAgent` service endpoint, asked by the renderer: the parts are the endpoint's
 * own (checked by the service, which answers a bad part with the fields at fault); the agent adds
 * the session. The result is the service's answer, already checked against the endpoint's
 * response schema by the agent's client.
 */
export const ServiceCallRequest = z.strictObject({
  endpoint: ViaAgentEndpointName,
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  body: z.unknown().optional(),
});

/**
 * Every request the renderer may make, with its payload and result schemas. The passcode is
 * accepted once, in submitPasscode / resumeSession (and changePasscode, cim.changeOwnContact), and never sent back in any form.
 */
/**
 * The card in the reader other than the session's, as the smartcard lifecycle pages see it before
 * they issue, repair or clear it (cim-cards.ts).
 */
export const SmartcardInspection = z.strictObject({
  reader: z.string(),
  readout: CardReadout,
  /** The holder the card is registered to, when the service knows the card and the session may see it. */
  registeredTo: z.strictObject({ uuid: Uuid, name: z.string() }).nullable(),
  /** What the card is, in the user's words ("A blank smartcard", "Smartcard registered to ..."). */
  summary: z.string(),
});
const SmartcardJobId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
export const SmartcardJobKind = z.enum(['issue', 'repair', 'clear']);
/** A card operation the agent runs for a lifecycle page, polled until it ends. */
export const SmartcardJobProgress = z.strictObject({
  jobId: SmartcardJobId,
  kind: SmartcardJobKind,
  status: z.enum(['running', 'done', 'failed']),
  /** What is happening now, in the user's words ("Making the smartcard's key"). */
  stage: z.string(),
  /** Done: what the page says ("Smartcard issued successfully"). Failed: what happened and what to do. */
  message: z.string().nullable(),
  /** The card's UUID once known (issue: the new card's). */
  cardUuid: Uuid.nullable(),
  /** Repair: what was rewritten. */
  repaired: z.array(RepairedPart),
});
export type SmartcardJobProgress = z.infer<typeof SmartcardJobProgress>;
const SmartcardJobTicket = z.strictObject({ jobId: SmartcardJobId });

export const AGENT_CHANNELS = {
  'agent.getState': { request: z.strictObject({}), response: AgentState },
  'agent.submitPasscode': { request: z.strictObject({ passcode: z.string().max(64) }), response: Ok },
  'agent.cancelPasscode': { request: z.strictObject({}), response: Ok },
  'agent.choosePosition': {
    request: z.strictObject({ positionId: z.number().int().positive(), remember: z.boolean() }),
    response: Ok,
  },
  'agent.lock': { request: z.strictObject({}), response: Ok },
  'agent.logout': { request: z.strictObject({}), response: Ok },
  /** Changes the signed-in card's passcode (CHANGE REFERENCE DATA); the three values are checked before the card sees any. */
  'agent.changePasscode': {
    request: z.strictObject({ current: z.string().max(64), next: z.string().max(64), confirm: z.string().max(64) }),
    response: Ok,
  },
  /** Self-service: from the locked-card screen, "Unlock your smartcard". */
  'unlock.begin': { request: z.strictObject({}), response: Ok },
  /** Self-service: "Start now", or "Send a new code" (optionally to the other destination). */
  'unlock.sendCode': { request: z.strictObject({ channel: UnlockChannel.optional() }), response: Ok },
  /** Self-service: the security code (checked for six digits before the service sees it). */
  'unlock.submitCode': { request: z.strictObject({ code: z.string().max(32) }), response: Ok },
  /** Either flow: the holder's new passcode, twice; checked before the card sees it. */
  'unlock.setPasscode': { request: z.strictObject({ next: z.string().max(64), confirm: z.string().max(64) }), response: Ok },
  /** Either flow: cancel, or close the finished unlock. */
  'unlock.close': { request: z.strictObject({}), response: Ok },
  /** Sponsor or LSA, signed in: "Service smartcard". */
  'serviceCard.begin': { request: z.strictObject({}), response: Ok },
  /** "Continue" once the card is in the second reader: the agent reads it and the service checks it. */
  'serviceCard.continue': { request: z.strictObject({}), response: Ok },
  /** "Unlock smartcard". */
  'serviceCard.unlock': { request: z.strictObject({}), response: Ok },
  /** "Continue": the card holder takes over to type a new passcode. */
  'serviceCard.confirm': { request: z.strictObject({}), response: Ok },
  /** "Renew smartcard certificate" for the checked card in the second reader. */
  'serviceCard.renew': { request: z.strictObject({}), response: Ok },
  /** Self: "Yes" on the Smartcard Expiry Notification. */
  'renewal.start': { request: z.strictObject({}), response: Ok },
  /** The card holder's passcode for the renewal (self, sponsor or recovery). */
  'renewal.submitPasscode': { request: z.strictObject({ passcode: z.string().max(64) }), response: Ok },
  /** "No" on the notification, Cancel, or closing the finished renewal. */
  'renewal.close': { request: z.strictObject({}), response: Ok },
  'cim.findUsers': { request: FindUsersRequest, response: FindUsersResponse },
  'cim.getProfile': { request: z.strictObject({ uuid: Uuid }), response: ProfileView },
  'cim.myProfile': { request: z.strictObject({}), response: ProfileView },
  /** Changes your own email or mobile; the passcode goes to the session's card, which signs the change. */
  'cim.changeOwnContact': { request: ChangeOwnContactRequest, response: ContactDetails },
  /** A Care Identity Management call (any `viaAgent` endpoint of the service), made with the session. */
  'service.call': { request: ServiceCallRequest, response: z.unknown() },
  /** "Export as CSV": the agent gets the report from the service and streams it to a file or a one-use download. */
  'report.export': { request: ReportExportRequest, response: ReportExportTicket },
  /** Rows written so far by an export, and whether it has finished. */
  'report.exportProgress': { request: z.strictObject({ exportId: ReportExportId }), response: ReportExportProgress },
  /** Reads the card in the reader other than the session's: blank, registered, or left over from an issue that never finished. */
  'smartcard.inspect': { request: z.strictObject({}), response: SmartcardInspection },
  /** Issue a smartcard to `userUuid` on the card in the second reader; the passcode is the new holder's (6-8 digits, typed twice). */
  'smartcard.issue': {
    request: z.strictObject({ userUuid: Uuid, algorithm: CardAlgorithm, passcode: z.string().max(64), confirm: z.string().max(64) }),
    response: SmartcardJobTicket,
  },
  /** Repair the card in the second reader, which must be `cardUuid`. */
  'smartcard.repair': { request: z.strictObject({ cardUuid: Uuid }), response: SmartcardJobTicket },
  /** Clear the card in the second reader, which must be `cardUuid`, for reuse. */
  'smartcard.clear': { request: z.strictObject({ cardUuid: Uuid }), response: SmartcardJobTicket },
  'smartcard.progress': { request: z.strictObject({ jobId: SmartcardJobId }), response: SmartcardJobProgress },
  /** "Signed in to": asks the service for the apps this session is signed in to; the signed-in screen shows them too. */
  'signIns.list': { request: z.strictObject({}), response: SessionSignIns },
  /** "Sign out" next to one app: the service ends that sign-in and the app is told (back-channel logout). */
  'signIns.signOut': { request: z.strictObject({ signInId: z.number().int().positive() }), response: SessionSignIns },
  'training.insertCard': { request: z.strictObject({ persona: z.string().max(64), reader: z.string().max(64) }), response: Ok },
  'training.removeCard': { request: z.strictObject({ reader: z.string().max(64) }), response: Ok },
  /** Training only: deletes the card's authentication certificate object, to practise "Repair a smartcard". */
  'training.damageCard': { request: z.strictObject({ persona: z.string().max(64) }), response: Ok },
} as const;

/** The main window's address that opens the change-passcode form (the Electron tray sends it there). */
export const CHANGE_PASSCODE_HASH = '#change-passcode';

export type AgentChannel = keyof typeof AGENT_CHANNELS;
export const AgentChannelName = z.enum(Object.keys(AGENT_CHANNELS) as [AgentChannel, ...AgentChannel[]]);
export type AgentRequest<C extends AgentChannel> = z.input<(typeof AGENT_CHANNELS)[C]['request']>;
export type AgentResult<C extends AgentChannel> = z.output<(typeof AGENT_CHANNELS)[C]['response']>;

export const AgentErrorCode = z.enum([
  'bad-request',
  'unknown-channel',
  'not-now',
  'passcode-policy',
  'wrong-passcode',
  'card-locked',
  'card-not-locked',
  'wrong-code',
  'card-removed',
  'service-unreachable',
  'service-refused',
  'forbidden',
  'not-signed-in',
  'internal',
]);
export type AgentErrorCode = z.infer<typeof AgentErrorCode>;
export const AgentError = z.strictObject({ code: AgentErrorCode, message: z.string() });
export type AgentError = z.infer<typeof AgentError>;

/** Envelope of the browser shell's WebSocket (Electron uses ipcRenderer.invoke with the same parts). */
export const ClientMessage = z.strictObject({
  id: z.number().int().nonnegative(),
  channel: z.string().max(64),
  payload: z.unknown(),
});
export const ServerMessage = z.union([
  z.strictObject({ type: z.literal('state'), state: AgentState }),
  z.strictObject({ type: z.literal('result'), id: z.number().int(), result: z.unknown() }),
  z.strictObject({ type: z.literal('error'), id: z.number().int().nullable(), error: AgentError }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

