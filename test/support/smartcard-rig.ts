import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { SmartcardJobProgress } from '../../src-shared/api/agent-api.js';
import { parseCertificateObject } from '../../src-shared/card/piv-objects.js';
import type { RunningService } from '../../src-service/start-service.js';
import type { Agent } from '../../src-main/agent/agent-types.js';
import { SLOT } from '../../src-main/card/piv/piv-constants.js';
import { blankCardState } from '../../src-main/virtual-card/blank-card.js';
import { PivCardEngine, type CommandRecord } from '../../src-main/virtual-card/piv-card-engine.js';

// What the smartcard lifecycle tests look at: blank cards, the agent's jobs followed to their
// end, the card's key and certificate, and what the service holds for the card. (Not a test
// file: the agent tests and the crash sweep share it.)

export interface BlankCard {
  readonly engine: PivCardEngine;
  readonly serial: number;
  /** Every command the card processed (header, length and status; never data). */
  readonly commands: CommandRecord[];
}

/** A factory-fresh card (PIN 123456, PUK 12345678, factory management key, an attestation key). */
export function blankCard(): BlankCard {
  const state = blankCardState();
  const commands: CommandRecord[] = [];
  return { engine: new PivCardEngine(state, { onCommand: (r) => commands.push(r) }), serial: state.serial, commands };
}

/** Polls the job until it ends; its last progress. */
export async function jobEnd(agent: Pick<Agent, 'handle'>, jobId: string, ms = 20_000): Promise<SmartcardJobProgress> {
  const until = Date.now() + ms;
  for (;;) {
    const p = (await agent.handle('smartcard.progress', { jobId })) as SmartcardJobProgress;
    if (p.status !== 'running') return p;
    if (Date.now() > until) throw new Error(`the smartcard job did not end: ${JSON.stringify(p)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts a job on `channel` and follows it to its end. */
export async function runJob(agent: Pick<Agent, 'handle'>, channel: 'smartcard.issue' | 'smartcard.repair' | 'smartcard.clear', request: unknown): Promise<SmartcardJobProgress> {
  const { jobId } = (await agent.handle(channel, request)) as { jobId: string };
  return jobEnd(agent, jobId);
}

/** The 9A certificate on the card, DER; null when there is none. */
export function certificateOnCard(engine: PivCardEngine): Buffer | null {
  const object = engine.snapshot().objects[SLOT.AUTHENTICATION.certificateObject.toString(16)];
  return object ? parseCertificateObject(Buffer.from(object, 'hex')) : null;
}

/** The public key (SPKI DER, hex) of the card's 9A key; null when the slot is empty. */
function cardKey(engine: PivCardEngine): string | null {
  const key = engine.snapshot().keys['9a'];
  if (!key) return null;
  return createPublicKey(createPrivateKey({ key: Buffer.from(key.pkcs8, 'base64'), format: 'der', type: 'pkcs8' }))
    .export({ type: 'spki', format: 'der' })
    .toString('hex');
}

const keyOf = (der: Buffer): string => new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }).toString('hex');

/** Whether the card's 9A key is the key `der` certifies. */
export const cardHoldsKeyOf = (engine: PivCardEngine, der: Buffer): boolean => cardKey(engine) === keyOf(der);

export interface ServiceView {
  /** The card registered under `serial`, if any (a cleared one counts as not registered). */
  readonly registered: { uuid: string; status: string; userUuid: string } | null;
  /** Live certificates of every card row with this serial. */
  readonly live: Buffer[];
  /** Live certificates for a key the card does not hold. */
  readonly liveForOtherKeys: number;
}

/** What the service holds for the card with `serial`, compared with the card's key. */
export async function serviceView(service: RunningService, serial: number, engine: PivCardEngine): Promise<ServiceView> {
  const db = service.ctx.db;
  const cards = await db
    .selectFrom('cards as k')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select(['k.id', 'k.uuid', 'k.status', 'k.cleared_at as clearedAt', 'u.uuid as userUuid'])
    .where('k.serial', '=', serial)
    .orderBy('k.id')
    .execute();
  const current = cards.filter((c) => c.clearedAt === null && c.status !== 'revoked').at(-1);
  const ids = cards.map((c) => c.id);
  const live =
    ids.length === 0
      ? []
      : (await db.selectFrom('certificates').select('der').where('card_id', 'in', ids).where('revoked_at', 'is', null).execute())
          .map((r) => r.der)
          .filter((d): d is Buffer => d !== null);
  return {
    registered: current ? { uuid: current.uuid, status: current.status, userUuid: current.userUuid } : null,
    live,
    liveForOtherKeys: live.filter((der) => !cardHoldsKeyOf(engine, der)).length,
  };
}
