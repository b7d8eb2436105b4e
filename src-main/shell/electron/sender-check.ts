// Whether an IPC message comes from our own renderer: the top frame of one of our windows,
// showing a page from our app:// origin. Anything else (a window we did not make, an iframe,
// a page that somehow navigated elsewhere, a frame already gone) is refused. Pure, so it can be
// tested without Electron; the hub feeds it the facts from each event.

export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface SenderFacts {
  readonly webContentsId: number;
  /** The sending frame's URL; undefined when the frame is gone. */
  readonly frameUrl: string | undefined;
  readonly isTopFrame: boolean;
}

export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

export function isTrustedSender(facts: SenderFacts, trustedWebContents: ReadonlySet<number>): boolean {
  return trustedWebContents.has(facts.webContentsId) && facts.isTopFrame && facts.frameUrl !== undefined && isAppUrl(facts.frameUrl);
}
