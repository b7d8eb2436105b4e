import type { AddressInfo } from 'node:net';
import { buildApp } from './http/app.js';
import { caPassphraseFor, openWithMachineSecret } from './crypto/machine-secret-file.js';
import { loadOrCreateCertificateAuthority } from './ca/certificate-authority.js';
import { crlDistributionPointOf } from './ca/revocation-list.js';
import { loadConfig, type ServiceConfigInput } from './config.js';
import type { ServiceContext } from './service-context.js';
import { createMailer } from './notify/mailer.js';
import { pruneOutbox } from './notify/outbox.js';
import { createSmsSender, type SmsSender } from './notify/sms.js';
import { flushRefusalTallies, TALLY_BUCKET_MS } from './audit/refusal-tally.js';
import { pruneLoginRows } from './auth/login-challenge.js';
import { pruneRequestCounts } from './http/rate-limit-store.js';
import { OIDC_MOUNT, startOidc } from './oidc/oidc-runtime.js';
import { pruneOidcModels } from './oidc/oidc-adapter.js';
import { sweepEndedSignIns } from './oidc/backchannel-logout.js';

// Starts the identity service: embedded by the agent (loopback, ephemeral port) or standalone.
// Old outbox messages (they may hold security codes) are pruned at start and every hour.

const OUTBOX_PRUNE_EVERY_MS = 3_600_000;
/** Sign-ins of sessions that expired are ended (and their apps told) within this. */
const SIGN_IN_SWEEP_EVERY_MS = 2_000;
/** How often a running service looks for a rotated or aged signing key. */
const KEY_CHECK_EVERY_MS = 60_000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The origin pages for a browser are served from: the configured origin, else for a service on
 * loopback http://localhost:<port> (a WebAuthn RP ID must be a domain name), else the listening URL.
 */
export function publicOriginOf(configured: string | undefined, address: AddressInfo, url: string): string {
  if (configured) return new URL(configured).origin;
  return LOOPBACK_HOSTS.has(address.address) ? `http://localhost:${address.port}` : url;
}

export interface RunningService {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly ctx: ServiceContext;
  close(): Promise<void>;
}

export interface StartServiceOptions extends ServiceConfigInput {
  /** The service clock; injectable so expiry rules can be tested at exact boundaries. */
  now?: () => Date;
  /** An SMS gateway for security codes, in place of the configured one (Notify, or the outbox). */
  smsSender?: SmsSender;
}

export async function startService(input: StartServiceOptions = {}): Promise<RunningService> {
  const { now, smsSender, ...configInput } = input;
  const config = loadConfig({ overrides: configInput });
  const { db, secret } = await openWithMachineSecret(config);
  let ca;
  try {
    // Created on the first start; later starts load it (a wrong passphrase stops the start).
    ca = await loadOrCreateCertificateAuthority(db, { passphrase: caPassphraseFor(config, secret), ...(now ? { now } : {}) });
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const clock = now ?? (() => new Date());
  const ctx: ServiceContext = {
    db,
    config,
    now: clock,
    // Only the origin: it is what a card signs for and what agents compare with their own.
    serviceOrigin: config.serviceOrigin ? new URL(config.serviceOrigin).origin : '',
    publicOrigin: '',
    oidcIssuer: '',
    oidc: null,
    dataKey: secret.dataKey,
    ca,
    mailer: createMailer(config, db, clock),
    smsSender: smsSender ?? createSmsSender(config, db, clock),
  };
  await pruneOutbox(db, clock());
  const app = buildApp(ctx);
  await app.listen({ host: config.host, port: config.port });
  // Background work never takes the service down: a failed sweep is tried again next time.
  const background = (work: () => Promise<unknown>) => (): void => void work().catch(() => undefined);
  const pruning = setInterval(background(() => pruneOutbox(db, clock())), OUTBOX_PRUNE_EVERY_MS);
  pruning.unref();
  // Counted refusals reach the audit log once their bucket closes, even when no more come; spent
  // challenges, tickets and ended request-count windows go even when no more requests come.
  const sweep = async (): Promise<void> => {
    const at = clock();
    await flushRefusalTallies(db, at);
    await pruneLoginRows(db, at.getTime());
    await pruneRequestCounts(db, at.getTime());
  };
  await sweep();
  const tallying = setInterval(background(sweep), TALLY_BUCKET_MS);
  tallying.unref();
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  if (!ctx.serviceOrigin) ctx.serviceOrigin = url;
  ctx.publicOrigin = publicOriginOf(config.serviceOrigin, address, url);
  ctx.oidcIssuer = `${ctx.publicOrigin}${OIDC_MOUNT}`;
  const oidc = await startOidc(ctx);
  ctx.oidc = oidc;
  // Deliveries a previous run left are resumed; sessions that expired meanwhile end their sign-ins.
  const signInSweep = async (): Promise<void> => {
    await sweepEndedSignIns(ctx);
    await oidc.dispatcher.run();
  };
  await signInSweep();
  const signIns = setInterval(background(signInSweep), SIGN_IN_SWEEP_EVERY_MS);
  signIns.unref();
  const keyCheck = setInterval(
    background(async () => {
      await oidc.refreshKeys();
      await pruneOidcModels(db, Date.now());
    }),
    KEY_CHECK_EVERY_MS,
  );
  keyCheck.unref();
  // Issued certificates name the revocation list where clients reach this service: the
  // configured public origin, else (an embedded or training service) its own listening URL.
  ca.crlDistributionPoint = crlDistributionPointOf(ctx.serviceOrigin);
  return {
    url,
    ctx,
    close: async () => {
      clearInterval(pruning);
      clearInterval(tallying);
      clearInterval(signIns);
      clearInterval(keyCheck);
      await app.close();
      await oidc.close();
      ctx.mailer?.close();
      await db.destroy();
    },
  };
}
