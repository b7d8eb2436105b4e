import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { DPOP_ALGORITHM, DPOP_PROOF_TYPE, type DpopProofClaims } from '../../src-shared/api/service-login.js';
import { jwkThumbprint, type EcPublicJwk } from '../../src-shared/crypto/jwk-thumbprint.js';

// The agent's workstation key (EC P-256): the session the service opens at login is bound to it,
// and every call made with the session token carries a proof this key signed (DPoP, RFC 9449),
// so a token copied off this machine is useless. It is made on the first run and kept in the
// data folder, mode 0600, as a JWK; it never leaves this process otherwise.

export const WORKSTATION_KEY_FILE = 'workstation-key.json';

const FileFormat = z.strictObject({
  format: z.literal('workstation-key/1'),
  jwk: z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), d: z.string() }),
});

export interface ProofRequest {
  readonly method: string;
  /** The call's URL without query or fragment. */
  readonly url: string;
  /** The session token the call carries, hashed into the proof (`ath`). */
  readonly token?: string;
  readonly now: Date;
}

export class WorkstationKey {
  readonly publicJwk: EcPublicJwk;
  /** RFC 7638 thumbprint of the public key: what a session is bound to. */
  readonly thumbprint: string;

  private constructor(private readonly privateKey: KeyObject) {
    const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
    this.publicJwk = { kty: kty as 'EC', crv: crv as string, x: x as string, y: y as string };
    this.thumbprint = jwkThumbprint(this.publicJwk);
  }

  /** A key that lives only as long as this process (tools, tests, a client given no data folder). */
  static ephemeral(): WorkstationKey {
    return new WorkstationKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  }

  /**
   * The key kept in `dataDir`, made there on the first run. A damaged file is replaced: the key
   * only binds sessions, which live in this process's memory, so a new one costs nothing.
   */
  static loadOrCreate(dataDir: string): WorkstationKey {
    const file = join(dataDir, WORKSTATION_KEY_FILE);
    const loaded = readKeyFile(file);
    if (loaded) return new WorkstationKey(loaded);
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const jwk = key.export({ format: 'jwk' }) as z.infer<typeof FileFormat>['jwk'];
    writeKeyFile(dataDir, file, JSON.stringify({ format: 'workstation-key/1', jwk } satisfies z.infer<typeof FileFormat>));
    // Another agent on the same folder may have made it first: whichever file is there wins.
    return new WorkstationKey(readKeyFile(file) ?? key);
  }

  /** A DPoP proof for one call: signed now, usable once, for this method and URL only. */
  proof(request: ProofRequest): Promise<string> {
    const claims: DpopProofClaims = {
      htm: request.method.toUpperCase() as DpopProofClaims['htm'],
      htu: request.url,
      iat: Math.floor(request.now.getTime() / 1000),
      jti: randomBytes(18).toString('base64url'),
      ...(request.token !== undefined ? { ath: createHash('sha256').update(request.token, 'ascii').digest('base64url') } : {}),
    };
    return new SignJWT(claims).setProtectedHeader({ alg: DPOP_ALGORITHM, typ: DPOP_PROOF_TYPE, jwk: { ...this.publicJwk } }).sign(this.privateKey);
  }
}

function readKeyFile(file: string): KeyObject | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  // A copy restored or made by hand may be readable by others: take it back to the owner only.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  try {
    const parsed = FileFormat.safeParse(JSON.parse(text));
    return parsed.success ? createPrivateKey({ key: parsed.data.jwk, format: 'jwk' }) : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole to a 0600 temporary file, then put in place: never half a key, never world-readable. */
function writeKeyFile(dataDir: string, file: string, body: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, body, { mode: 0o600, flag: 'wx' });
  try {
    // link: fails if a key file appeared meanwhile (that one is kept); a damaged one, or a file
    // system without hard links, gets the new key by rename.
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && readKeyFile(file)) return;
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
