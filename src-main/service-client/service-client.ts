import { z, type ZodType } from 'zod';
import { ContactChallenge, ContactDetails, FindUsersResponse, Profile, type ChangeOwnContactBody, type ContactChallengeBody } from '../../src-shared/api/service-cim.js';
import { HealthResponse } from '../../src-shared/api/service-common.js';
import { ServiceErrorBody } from '../../src-shared/api/service-errors.js';
import {
  ChallengeResponse,
  LogoutResponse,
  SessionInfo,
  SessionResponse,
  VerifyResponse,
  DPOP_HEADER,
  DPOP_SCHEME,
  type VerifyRequest,
} from '../../src-shared/api/service-login.js';
import {
  CardServiceInspection,
  CardWitnessResponse,
  PukReleaseResponse,
  SelfUnlockResponse,
  SponsorUnlockResponse,
  UnlockCodeResponse,
  UnlockCommitResponse,
  type CardServiceRequest,
  type SelfUnlockRequest,
} from '../../src-shared/api/service-unlock.js';
import {
  RenewalAuthenticateResponse,
  type NewKeyProof,
  RenewalCertificateResponse,
  RenewalConfirmResponse,
  RenewalOpened,
  RenewalWitnessResponse,
  type SponsorRenewalRequest,
} from '../../src-shared/api/service-renewal.js';
import { CardProofWitnessResponse, type CardProof } from '../../src-shared/api/service-card-proof.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from './service-client-errors.js';
import { WorkstationKey } from './workstation-key.js';

// A small typed client for the identity service over HTTP (global fetch). Every answer is
// checked against the shared zod contract before anyone uses it. The client keeps nothing but
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

export interface FindUsersParams {
  readonly name?: string | undefined;
  readonly niNumber?: string | undefined;
  readonly cardUuid?: string | undefined;
  readonly onlyMyOrganisations: boolean;
  readonly limit?: number | undefined;
}

interface CallOptions {
  readonly body?: unknown;
  readonly token?: string;
  /** Prove possession of the workstation key even without a token (opening a session). */
  readonly proof?: true;
}

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
    await this.call('GET', '/v1/health', HealthResponse);
  }

  challenge(workstationId: string): Promise<z.infer<typeof ChallengeResponse>> {
    return this.call('POST', '/v1/login/challenge', ChallengeResponse, { body: { workstationId } });
  }

  verify(body: z.input<typeof VerifyRequest>): Promise<z.infer<typeof VerifyResponse>> {
    return this.call('POST', '/v1/login/verify', VerifyResponse, { body });
  }

  openSession(loginTicket: string, positionId: number): Promise<z.infer<typeof SessionResponse>> {
    return this.call('POST', '/v1/login/session', SessionResponse, { body: { loginTicket, positionId }, proof: true });
  }

  session(token: string): Promise<z.infer<typeof SessionInfo>> {
    return this.call('GET', '/v1/session', SessionInfo, { token });
  }

  async logout(token: string): Promise<void> {
    await this.call('POST', '/v1/logout', LogoutResponse, { token });
  }

  findUsers(token: string, params: FindUsersParams): Promise<z.infer<typeof FindUsersResponse>> {
    // In the body, never the URL: names and NI numbers must not reach a proxy's or server's log.
    return this.call('POST', '/v1/users/search', FindUsersResponse, { token, body: params });
  }

  profile(token: string, userUuid: string): Promise<z.infer<typeof Profile>> {
    return this.call('GET', `/v1/users/${encodeURIComponent(userUuid)}`, Profile, { token });
  }

  /** The new email or mobile checked, and the challenge the session's card signs to approve the change. */
  contactChallenge(token: string, body: z.input<typeof ContactChallengeBody>): Promise<z.infer<typeof ContactChallenge>> {
    return this.call('POST', '/v1/me/contact/challenge', ContactChallenge, { token, body });
  }

  /** The change of one's own email or mobile, with the card's signature over the challenge. */
  changeOwnContact(token: string, body: z.input<typeof ChangeOwnContactBody>): Promise<z.infer<typeof ContactDetails>> {
    return this.call('PUT', '/v1/me/contact', ContactDetails, { token, body });
  }

  /** Self-service: the service sends a security code to the locked card's holder. */
  selfUnlock(body: z.input<typeof SelfUnlockRequest>): Promise<SelfUnlockResponse> {
    return this.call('POST', '/v1/unlock/self', SelfUnlockResponse, { body });
  }

  async unlockCode(unlockId: string, workstationId: string, code: string): Promise<void> {
    await this.call('POST', `${unlockPath(unlockId)}/code`, UnlockCodeResponse, { body: { workstationId, code } });
  }

  /** Sponsor or LSA: what the service says about the card in the second reader. */
  inspectCard(token: string, body: z.input<typeof CardServiceRequest>): Promise<z.infer<typeof CardServiceInspection>> {
    return this.call('POST', '/v1/card-service/inspect', CardServiceInspection, { token, body });
  }

  sponsorUnlock(token: string, body: z.input<typeof CardServiceRequest>): Promise<SponsorUnlockResponse> {
    return this.call('POST', '/v1/card-service/unlock', SponsorUnlockResponse, { token, body });
  }

  /** Step 1 of the relayed management-key authentication of the card being unlocked. */
  async cardWitness(unlockId: string, workstationId: string, witness: Uint8Array): Promise<{ exchangeId: string; witness: Buffer; challenge: Buffer }> {
    const answer = await this.call('POST', `${unlockPath(unlockId)}/card-witness`, CardWitnessResponse, {
      body: { workstationId, witness: Buffer.from(witness).toString('base64') },
    });
    return witnessFromWire(answer);
  }

  /** A card named only by its UUID proves itself, step 1 (before a self-service unlock or a renewal recovery). */
  async cardProofWitness(cardUuid: string, workstationId: string, witness: Uint8Array): Promise<{ exchangeId: string; witness: Buffer; challenge: Buffer }> {
    const answer = await this.call('POST', '/v1/card-proof/witness', CardProofWitnessResponse, {
      body: { workstationId, cardUuid, witness: Buffer.from(witness).toString('base64') },
    });
    return witnessFromWire(answer);
  }

  /**
   * Step 2: the card's answer to the service's challenge; the service releases the PUKs. They
   * come back as bytes for the caller to wipe (the JSON text they arrived in is dropped here).
   */
  async releasePuk(unlockId: string, workstationId: string, exchangeId: string, cardResponse: Uint8Array): Promise<ReleasedPuks> {
    const answer = await this.call('POST', `${unlockPath(unlockId)}/release`, PukReleaseResponse, {
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
    await this.call('POST', `${unlockPath(unlockId)}/commit`, UnlockCommitResponse, { body: { workstationId, ...options } });
  }

  /** The holder renews the certificate of the card the session was opened with. */
  openSelfRenewal(token: string): Promise<RenewalOpened> {
    return this.call('POST', '/v1/renewals', RenewalOpened, { token, body: {} });
  }

  /** A sponsor, LSA or RA member renews the card in their second reader. */
  openSponsorRenewal(token: string, body: z.input<typeof SponsorRenewalRequest>): Promise<RenewalOpened> {
    return this.call('POST', '/v1/card-service/renew', RenewalOpened, { token, body });
  }

  /** No session: a renewal of `cardUuid` cut short, to be finished. */
  recoverRenewal(workstationId: string, cardUuid: string, cardProof: CardProof): Promise<RenewalOpened> {
    return this.call('POST', '/v1/renewals/recover', RenewalOpened, { body: { workstationId, cardUuid, cardProof } });
  }

  /** Renewal card proof, step 1 (as for an unlock, under the renewal's id). */
  async renewalWitness(renewalId: string, workstationId: string, witness: Uint8Array): Promise<{ exchangeId: string; witness: Buffer; challenge: Buffer }> {
    const answer = await this.call('POST', `${renewalPath(renewalId)}/card-witness`, RenewalWitnessResponse, {
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
    const answer = await this.call('POST', `${renewalPath(renewalId)}/authenticate`, RenewalAuthenticateResponse, {
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
    const answer = await this.call('POST', `${renewalPath(renewalId)}/certificate`, RenewalCertificateResponse, {
      body: { workstationId, csr: csr.toString('base64'), attestation: base64(proof.attestation), oldKeySignature: base64(proof.oldKeySignature) },
    });
    return { certificate: Buffer.from(answer.certificate, 'base64'), notAfter: answer.notAfter };
  }

  /** The new certificate is on the card: the service makes it live and revokes the old one. */
  confirmRenewal(renewalId: string, workstationId: string): Promise<z.infer<typeof RenewalConfirmResponse>> {
    return this.call('POST', `${renewalPath(renewalId)}/confirm`, RenewalConfirmResponse, { body: { workstationId } });
  }

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, schema: ZodType<T>, options: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token !== undefined) headers.authorization = `${DPOP_SCHEME} ${options.token}`;
    if (options.token !== undefined || options.proof) {
      this.key ??= WorkstationKey.ephemeral();
      const proved = { method, url: `${this.baseUrl}${path}`, now: new Date(this.now().getTime() + this.clockOffsetMs) };
      headers[DPOP_HEADER] = await this.key.proof(options.token !== undefined ? { ...proved, token: options.token } : proved);
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
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
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ServiceProtocolError(`unexpected ${method} ${path.split('/').slice(0, 3).join('/')} answer`);
    return parsed.data;
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

const unlockPath = (unlockId: string): string => `/v1/unlock/${encodeURIComponent(unlockId)}`;
const renewalPath = (renewalId: string): string => `/v1/renewals/${encodeURIComponent(renewalId)}`;

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
