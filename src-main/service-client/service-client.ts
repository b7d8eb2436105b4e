import type { z } from 'zod';
import type { Endpoint, ResponseOf } from '../../src-shared/api/endpoint.js';
import type { CardProof } from '../../src-shared/api/service-card-proof.js';
import type { ReportId } from '../../src-shared/api/cim-reports.js';
import type { ChangeOwnContactBody, ContactChallengeBody, FindUsersBody } from '../../src-shared/api/service-cim.js';
import { SERVICE_ENDPOINTS as API } from '../../src-shared/api/service-endpoints.js';
import { ServiceErrorBody } from '../../src-shared/api/service-errors.js';
import { DPOP_HEADER, DPOP_SCHEME, type VerifyRequest } from '../../src-shared/api/service-login.js';
import type { NewKeyProof, RenewalOpened, SponsorRenewalRequest } from '../../src-shared/api/service-renewal.js';
import type { CardServiceRequest, SelfUnlockRequest } from '../../src-shared/api/service-unlock.js';
import type { AbandonOperationBody, CancelSmartcardBody, CardReadout, RepairedPart } from '../../src-shared/api/cim-cards.js';
import type { CardAlgorithm } from '../../src-shared/api/service-common.js';
import { callTarget, type CallInput } from './endpoint-call.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from './service-client-errors.js';
import { WorkstationKey } from './workstation-key.js';

// A small typed client for the identity service over HTTP (global fetch). Every call is built
// from the endpoint table (src-shared/api/service-endpoints.ts): its method, its path, what it
// carries; every answer is checked against that endpoint's response schema before anyone uses it. The client keeps nothing but
// the base URL and the workstation key: the session token is handed in per call by the agent,
// which alone holds it, and goes out with a proof from the key (DPoP) every time.


export interface ServiceClientOptions {
  /** Longest wait for one answer before the service counts as unreachable (default 15 s). */
  readonly timeoutMs?: number;
  /**
   * The key sessions are bound to and every session call is proved with. Without one, the client
   * makes a key that lives as long as it does (tools, tests): its sessions die with it.
   */
  readonly key?: WorkstationKey;
  /** The clock proofs are dated by (the agent's). */
  readonly now?: () => Date;
}

/** A user search, as the service takes it (the criteria travel in the body, never the URL). */
export type FindUsersParams = z.input<typeof FindUsersBody>;

/**
 * A Date header counts whole seconds and is stamped before the answer travels: a difference
 * smaller than this is noise, not a clock that has drifted.
 */
const CLOCK_NOISE_MS = 5_000;

/** A gateway's way of saying the service behind it is not there. */
const GATEWAY_DOWN = new Set([502, 503, 504]);

export class ServiceClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  private key: WorkstationKey | undefined;
  /**
   * How far the service's clock is ahead of this one (negative: behind), from its Date header.
   * Proofs are dated by the service's clock: a workstation whose clock has drifted past the
   * proofs' window would otherwise be refused on every session call.
   */
  private clockOffsetMs = 0;

  constructor(baseUrl: string, options: ServiceClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.key = options.key;
    this.now = options.now ?? (() => new Date());
  }

  /** The service's origin (scheme, host, port) as this client is configured: what a card login signs for. */
  get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  async health(): Promise<void> {
    await this.call(API.health, {});
  }

  challenge(workstationId: string): Promise<ResponseOf<typeof API.loginChallenge>> {
    return this.call(API.loginChallenge, { body: { workstationId } });
  }

  verify(body: z.input<typeof VerifyRequest>): Promise<ResponseOf<typeof API.loginVerify>> {
    return this.call(API.loginVerify, { body });
  }

  openSession(loginTicket: string, positionId: number): Promise<ResponseOf<typeof API.openSession>> {
    return this.call(API.openSession, { body: { loginTicket, positionId }, proof: true });
  }

  session(token: string): Promise<ResponseOf<typeof API.session>> {
    return this.call(API.session, { token });
  }

  /** Sign-in for other apps: redeems a sign-in page's ticket with this session (AAL3); where the browser goes next. */
  smartcardSignIn(token: string, body: { uid: string; ticket: string }): Promise<ResponseOf<typeof API.smartcardSignIn>> {
    return this.call(API.smartcardSignIn, { token, body });
  }

  async logout(token: string): Promise<void> {
    await this.call(API.logout, { token });
  }

  findUsers(token: string, params: FindUsersParams): Promise<ResponseOf<typeof API.findUsers>> {
    return this.call(API.findUsers, { token, body: params });
  }

  profile(token: string, userUuid: string): Promise<ResponseOf<typeof API.profile>> {
    return this.call(API.profile, { token, params: { uuid: userUuid } });
  }

  /** The new email or mobile checked, and the challenge the session's card signs to approve the change. */
  contactChallenge(token: string, body: z.input<typeof ContactChallengeBody>): Promise<ResponseOf<typeof API.contactChallenge>> {
    return this.call(API.contactChallenge, { token, body });
  }

  /** The change of one's own email or mobile, with the card's signature over the challenge. */
  changeOwnContact(token: string, body: z.input<typeof ChangeOwnContactBody>): Promise<ResponseOf<typeof API.changeOwnContact>> {
    return this.call(API.changeOwnContact, { token, body });
  }

  /** "Signed in to": the apps the session signed in to. */
  signIns(token: string): Promise<ResponseOf<typeof API.currentSignIns>> {
    return this.call(API.currentSignIns, { token });
  }

  /** Signs the session out of one app; answers the apps left. */
  signOutOfApp(token: string, signInId: number): Promise<ResponseOf<typeof API.signOutOfApp>> {
    return this.call(API.signOutOfApp, { token, params: { signInId } });
  }

  /** Self-service: the service sends a security code to the locked card's holder. */
  selfUnlock(body: z.input<typeof SelfUnlockRequest>): Promise<ResponseOf<typeof API.selfUnlock>> {
    return this.call(API.selfUnlock, { body });
  }

  async unlockCode(unlockId: string, workstationId: string, code: string): Promise<void> {
    await this.call(API.unlockCode, { params: { unlockId }, body: { workstationId, code } });
  }

  /** Sponsor or LSA: what the service says about the card in the second reader. */
  inspectCard(token: string, body: z.input<typeof CardServiceRequest>): Promise<ResponseOf<typeof API.inspectCard>> {
    return this.call(API.inspectCard, { token, body });
  }

  sponsorUnlock(token: string, body: z.input<typeof CardServiceRequest>): Promise<ResponseOf<typeof API.sponsorUnlock>> {
    return this.call(API.sponsorUnlock, { token, body });
  }

  /** Step 1 of the relayed management-key authentication of the card being unlocked. */
  async cardWitness(unlockId: string, workstationId: string, witness: Uint8Array): Promise<{ exchangeId: string; witness: Buffer; challenge: Buffer }> {
    const answer = await this.call(API.unlockCardWitness, {
      params: { unlockId },
      body: { workstationId, witness: Buffer.from(witness).toString('base64') },
    });
    return witnessFromWire(answer);
  }

  /** A card named only by its UUID proves itself, step 1 (before a self-service unlock or a renewal recovery). */
  async cardProofWitness(cardUuid: string, workstationId: string, witness: Uint8Array): Promise<{ exchangeId: string; witness: Buffer; challenge: Buffer }> {
    const answer = await this.call(API.cardProofWitness, {
      body: { workstationId, cardUuid, witness: Buffer.from(witness).toString('base64') },
    });
    return witnessFromWire(answer);
  }

  /**
   * Step 2: the card's answer to the service's challenge; the service releases the PUKs. They
   * come back as bytes for the caller to wipe (the JSON text they arrived in is dropped here).
   */
  async releasePuk(unlockId: string, workstationId: string, exchangeId: string, cardResponse: Uint8Array): Promise<ReleasedPuks> {
    const answer = await this.call(API.releasePuk, {
      params: { unlockId },
      body: { workstationId, exchangeId, cardResponse: Buffer.from(cardResponse).toString('base64') },
    });
    return { puk: Buffer.from(answer.puk, 'ascii'), nextPuk: Buffer.from(answer.nextPuk, 'ascii'), rotationPending: answer.rotationPending };
  }

  /**
   * The card holds the new PUK: the service makes it current. `pukOnly`: the card refused the
   * current PUK while a rotation was pending, so it holds the new one already (the passcode is
   * not reset yet): said before that PUK is tried, so a card pulled then costs no attempt later.
   */
  async commitUnlock(unlockId: string, workstationId: string, options: { pukOnly?: true } = {}): Promise<void> {
    await this.call(API.commitUnlock, { params: { unlockId }, body: { workstationId, ...options } });
  }

  /** The holder renews the certificate of the card the session was opened with. */
  openSelfRenewal(token: string): Promise<RenewalOpened> {
    return this.call(API.openSelfRenewal, { token, body: {} });
  }

  /** A sponsor, LSA or RA member renews the card in their second reader. */
  openSponsorRenewal(token: string, body: z.input<typeof SponsorRenewalRequest>): Promise<RenewalOpened> {
    return this.call(API.openSponsorRenewal, { token, body });
  }

  /** No session: a renewal of `cardUuid` cut short, to be finished. */
  recoverRenewal(workstationId: string, cardUuid: string, cardProof: CardProof): Promise<RenewalOpened> {
    return this.call(API.recoverRenewal, { body: { workstationId, cardUuid, cardProof } });
  }

  /** Renewal card proof, step 1 (as for an unlock, under the renewal's id). */
  async renewalWitness(renewalId: string, workstationId: string, witness: Uint8Array): Promise<{ exchangeId: string; witness: Buffer; challenge: Buffer }> {
    const answer = await this.call(API.renewalWitness, {
      params: { renewalId },
      body: { workstationId, witness: Buffer.from(witness).toString('base64') },
    });
    return witnessFromWire(answer);
  }

  /** Step 2: the card's answer; a certificate this renewal already issued comes back, if any. */
  async renewalAuthenticate(
    renewalId: string,
    workstationId: string,
    exchangeId: string,
    cardResponse: Uint8Array,
  ): Promise<{ issuedCertificate: Buffer | null; newKeyProof: NewKeyProof }> {
    const answer = await this.call(API.renewalAuthenticate, {
      params: { renewalId },
      body: { workstationId, exchangeId, cardResponse: Buffer.from(cardResponse).toString('base64') },
    });
    return { issuedCertificate: answer.issuedCertificate === null ? null : Buffer.from(answer.issuedCertificate, 'base64'), newKeyProof: answer.newKeyProof };
  }

  /** The card-signed request for its new key (and the card's attestation of it, or its old key's signature) -> the new certificate. */
  async renewalCertificate(
    renewalId: string,
    workstationId: string,
    csr: Buffer,
    proof: { attestation: Buffer | null; oldKeySignature: Buffer | null },
  ): Promise<{ certificate: Buffer; notAfter: string }> {
    const base64 = (bytes: Buffer | null): string | null => (bytes === null ? null : bytes.toString('base64'));
    const answer = await this.call(API.renewalCertificate, {
      params: { renewalId },
      body: { workstationId, csr: csr.toString('base64'), attestation: base64(proof.attestation), oldKeySignature: base64(proof.oldKeySignature) },
    });
    return { certificate: Buffer.from(answer.certificate, 'base64'), notAfter: answer.notAfter };
  }

  /** The new certificate is on the card: the service makes it live and revokes the old one. */
  confirmRenewal(renewalId: string, workstationId: string): Promise<ResponseOf<typeof API.confirmRenewal>> {
    return this.call(API.confirmRenewal, { params: { renewalId }, body: { workstationId } });
  }

  /** Issue a smartcard: open the operation for the card the agent read (the service checks it is blank, or left over). */
  openCardIssue(token: string, userUuid: string, body: { workstationId: string; algorithm: z.input<typeof CardAlgorithm>; card: CardReadout }): Promise<ResponseOf<typeof API.issueSmartcard>> {
    return this.call(API.issueSmartcard, { token, params: { uuid: userUuid }, body });
  }

  /** Repair a smartcard: open the operation; the answer carries the live certificate on record. */
  openCardRepair(token: string, cardUuid: string, workstationId: string, card: CardReadout): Promise<ResponseOf<typeof API.repairSmartcard>> {
    return this.call(API.repairSmartcard, { token, params: { cardUuid }, body: { workstationId, card } });
  }

  /** Clear a smartcard for reuse: open the operation. */
  openCardClear(token: string, cardUuid: string, workstationId: string, card: CardReadout): Promise<ResponseOf<typeof API.clearSmartcard>> {
    return this.call(API.clearSmartcard, { token, params: { cardUuid }, body: { workstationId, card } });
  }

  /** Cancel a smartcard (no card needed). */
  cancelSmartcard(token: string, cardUuid: string, body: z.input<typeof CancelSmartcardBody>): Promise<ResponseOf<typeof API.cancelSmartcard>> {
    return this.call(API.cancelSmartcard, { token, params: { cardUuid }, body });
  }

  /** A card operation's card proof, step 1 (the service holds the management key). */
  async cardOperationWitness(token: string, operationId: string, workstationId: string, witness: Uint8Array): Promise<{ exchangeId: string; witness: Buffer; challenge: Buffer }> {
    const answer = await this.call(API.operationWitness, {
      token,
      params: { operationId },
      body: { workstationId, witness: Buffer.from(witness).toString('base64') },
    });
    return witnessFromWire(answer);
  }

  /** Step 2: the card's answer to the service's challenge. */
  async cardOperationAuthenticate(token: string, operationId: string, workstationId: string, exchangeId: string, cardResponse: Uint8Array): Promise<void> {
    await this.call(API.operationAuthenticate, {
      token,
      params: { operationId },
      body: { workstationId, exchangeId, cardResponse: Buffer.from(cardResponse).toString('base64') },
    });
  }

  /** Issue: the card-signed request for its new key (and the card's attestation of it) -> the certificate, not live yet. */
  async issueCardCertificate(token: string, operationId: string, workstationId: string, csr: Buffer, attestation: Buffer | null): Promise<{ certificate: Buffer; notAfter: string }> {
    const answer = await this.call(API.issueCertificate, {
      token,
      params: { operationId },
      body: { workstationId, csr: csr.toString('base64'), attestation: attestation === null ? null : attestation.toString('base64') },
    });
    return { certificate: Buffer.from(answer.certificate, 'base64'), notAfter: answer.notAfter };
  }

  /** Issue: the new PUK and the SET MANAGEMENT KEY command, as bytes for the caller to wipe (the JSON text is dropped here). */
  async personaliseCard(token: string, operationId: string, workstationId: string): Promise<{ puk: Buffer; managementKeyCommand: Buffer }> {
    const answer = await this.call(API.personaliseSmartcard, { token, params: { operationId }, body: { workstationId } });
    return { puk: Buffer.from(answer.puk, 'ascii'), managementKeyCommand: Buffer.from(answer.managementKeyCommand, 'base64') };
  }

  /** Issue: the card holds everything; the service registers it (repeatable). */
  async confirmCardIssue(token: string, operationId: string, workstationId: string): Promise<void> {
    await this.call(API.confirmIssue, { token, params: { operationId }, body: { workstationId } });
  }

  /** Repair: what was rewritten on the card, and whether its key is the recorded certificate's. */
  cardRepaired(token: string, operationId: string, workstationId: string, repaired: RepairedPart[], keyMatches: boolean): Promise<ResponseOf<typeof API.repaired>> {
    return this.call(API.repaired, { token, params: { operationId }, body: { workstationId, repaired, keyMatches } });
  }

  /** Clear: the card as read after its reset (blank); the service unregisters it. */
  cardCleared(token: string, operationId: string, workstationId: string, card: CardReadout): Promise<ResponseOf<typeof API.cleared>> {
    return this.call(API.cleared, { token, params: { operationId }, body: { workstationId, card } });
  }

  /** A card operation that will not finish. */
  async abandonCardOperation(token: string, operationId: string, workstationId: string, reason: z.input<typeof AbandonOperationBody>['reason']): Promise<void> {
    await this.call(API.abandonOperation, { token, params: { operationId }, body: { workstationId, reason } });
  }

  /** One call of `endpoint`: its method and path from the table, its answer parsed by the table's schema. */
  /**
   * A call the renderer asked the agent to make (agent channel `service.call`), with the
   * session's token. The parts are passed as given: the service checks them and answers a bad
   * one with the fields at fault; the answer is checked against the endpoint's response schema.
   */
  async callForRenderer(endpoint: Endpoint, parts: { params?: unknown; query?: unknown; body?: unknown }, token: string): Promise<unknown> {
    const input = { token, params: parts.params ?? {}, query: parts.query, body: parts.body };
    return this.call(endpoint, input as unknown as CallInput<Endpoint>);
  }

  /**
   * A report as CSV (the service streams it): the answer's body as it arrives, to be written
   * on as it comes. The timeout covers the wait for the answer to start, not the download,
   * which lasts as long as the report is long; `signal` stops it.
   */
  async exportReport(token: string, reportId: ReportId, query: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const endpoint = API.exportReport;
    const input = { token, params: { reportId }, query };
    const { path, search } = callTarget(endpoint, input);
    const headers = await this.headersFor(endpoint, path, input, 'text/csv');
    const started = new AbortController();
    const timer = setTimeout(() => started.abort(), this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}${search}`, {
        method: endpoint.method,
        headers,
        signal: signal ? AbortSignal.any([started.signal, signal]) : started.signal,
        redirect: 'error',
      });
      this.learnServiceClock(response.headers.get('date'));
    } catch (err) {
      throw new ServiceUnreachableError({ cause: err });
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) throw refusal(response.status, await response.text().catch(() => ''));
    if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/csv')) throw new ServiceProtocolError(`unexpected ${endpoint.method} /v1/reports answer`);
    return response.body;
  }

  /** The headers of one call: what it accepts and carries, and for a session (or a proof) the DPoP token and proof. */
  private async headersFor(endpoint: Endpoint, path: string, input: { token?: string; body?: unknown; proof?: true }, accept = 'application/json'): Promise<Record<string, string>> {
    const { method } = endpoint;
    const { token, body } = input;
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `${DPOP_SCHEME} ${token}`;
    if (token !== undefined || input.proof) {
      this.key ??= WorkstationKey.ephemeral();
      // The proof names the URL without its query (RFC 9449 section 4.2).
      const proved = { method, url: `${this.baseUrl}${path}`, now: new Date(this.now().getTime() + this.clockOffsetMs) };
      headers[DPOP_HEADER] = await this.key.proof(token !== undefined ? { ...proved, token } : proved);
    }
    return headers;
  }

  private async call<E extends Endpoint>(endpoint: E, input: CallInput<E>): Promise<ResponseOf<E>> {
    const { method } = endpoint;
    const { path, search } = callTarget(endpoint, input);
    const { body } = input as { body?: unknown };
    const headers = await this.headersFor(endpoint, path, input);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}${search}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      text = await response.text();
      this.learnServiceClock(response.headers.get('date'));
    } catch (err) {
      // fetch rejects only when no answer arrived (refused, reset, timeout, redirect refused).
      throw new ServiceUnreachableError({ cause: err });
    }
    if (!response.ok) throw refusal(response.status, text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ServiceProtocolError('not JSON');
    }
    const parsed = endpoint.response.safeParse(json);
    // Named by the table's path, whose first segments carry no id.
    if (!parsed.success) throw new ServiceProtocolError(`unexpected ${method} ${endpoint.path.split('/').slice(0, 3).join('/')} answer`);
    return parsed.data as ResponseOf<E>;
  }

  private learnServiceClock(date: string | null): void {
    const at = date === null ? Number.NaN : Date.parse(date);
    if (Number.isNaN(at)) return;
    const offset = at - this.now().getTime();
    this.clockOffsetMs = Math.abs(offset) > CLOCK_NOISE_MS ? offset : 0;
  }
}

/** The PUKs for one unlock, as bytes: main process only, wiped by whoever uses them. */
export interface ReleasedPuks {
  readonly puk: Buffer;
  readonly nextPuk: Buffer;
  readonly rotationPending: boolean;
}

const witnessFromWire = (answer: { exchangeId: string; witness: string; challenge: string }): { exchangeId: string; witness: Buffer; challenge: Buffer } => ({
  exchangeId: answer.exchangeId,
  witness: Buffer.from(answer.witness, 'base64'),
  challenge: Buffer.from(answer.challenge, 'base64'),
});

function refusal(status: number, text: string): Error {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = ServiceErrorBody.safeParse(body);
  if (parsed.success) return new ServiceRefusedError(status, parsed.data.code, parsed.data.message, parsed.data.fields ?? []);
  // Not the service's own voice: a proxy or load balancer in between.
  if (GATEWAY_DOWN.has(status)) return new ServiceUnreachableError();
  if (status === 429) return new ServiceRefusedError(429, 'rate-limited', 'The identity service is busy just now. Try again in a minute.');
  return new ServiceProtocolError(`HTTP ${status} without an error body`);
}
