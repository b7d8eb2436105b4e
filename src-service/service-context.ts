import type { Db } from './store/database.js';
import type { ServiceConfig } from './config.js';
import type { CertificateAuthority } from './ca/certificate-authority.js';
import type { Mailer } from './notify/mailer.js';
import type { SmsSender } from './notify/sms.js';
import type { OidcRuntime } from './oidc/oidc-runtime.js';

/** What every part of the service is handed: the store, the configuration and the clock. */
export interface ServiceContext {
  readonly db: Db;
  readonly config: ServiceConfig;
  /** Injectable so expiry rules can be tested at exact boundaries. */
  readonly now: () => Date;
  /** The origin clients use to reach this service; part of the signed login payload. */
  serviceOrigin: string;
  /**
   * The origin of every page served to a browser (sign-in, authenticator registration):
   * serviceOrigin, except that a loopback service with no configured origin is
   * http://localhost:<port> (a WebAuthn RP ID must be a domain name). Set once listening.
   */
  publicOrigin: string;
  /** The OpenID Connect issuer: `<publicOrigin>/oidc`. Set once listening. */
  oidcIssuer: string;
  /** The OpenID Connect provider and its back-channel logout dispatcher; null until listening. */
  oidc: OidcRuntime | null;
  /**
   * The Identity Agent's bridge the sign-in page's script calls: set by an embedded service's
   * agent once its bridge listens; otherwise config.agentBridgeUrl or the default port.
   */
  agentBridgeUrl?: string;
  /** Data key for sealing card secrets (AES-256-GCM); held in memory only. */
  readonly dataKey: Buffer;
  /** Issues card certificates; every login is checked against its issuing CA. */
  readonly ca: CertificateAuthority;
  /** Email out: Notify or SMTP when configured, the outbox where it is on; null: none. */
  readonly mailer: Mailer | null;
  /** Text messages out: Notify or a deployment's gateway, the outbox where it is on; null: none. */
  readonly smsSender: SmsSender | null;
}
