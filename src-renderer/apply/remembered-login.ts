// "Remember my selection" on Apply for Care ID's Log in page: the login method (Smartcard, the
// only one here) is kept in this browser's localStorage for the signed-in person, so their next
// Start goes straight to the home page. It holds no secret: the smartcard session is the agent's,
// and a locked session still shows the agent's own unlock screen first.

/** The part of localStorage used here, so tests can give their own. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type LoginMethod = 'smartcard';

const keyFor = (userUuid: string): string => `apply-for-care-id.login-method.${userUuid}`;

/** The login method this person asked to be remembered, or null. */
export function rememberedLogin(store: KeyValueStore | null, userUuid: string): LoginMethod | null {
  try {
    return store?.getItem(keyFor(userUuid)) === 'smartcard' ? 'smartcard' : null;
  } catch {
    // Storage refused (a locked-down browser profile): nothing is remembered.
    return null;
  }
}

/** Keeps, or forgets, this person's choice of login method. */
export function rememberLogin(store: KeyValueStore | null, userUuid: string, method: LoginMethod | null): void {
  try {
    if (method === null) store?.removeItem(keyFor(userUuid));
    else store?.setItem(keyFor(userUuid), method);
  } catch {
    // Not remembering is the safe failure: the Log in page shows again next time.
  }
}

/** The browser's localStorage, when it may be used. */
export function browserStore(): KeyValueStore | null {
  try {
    return (globalThis as { localStorage?: KeyValueStore }).localStorage ?? null;
  } catch {
    return null;
  }
}
