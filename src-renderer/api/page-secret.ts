// The browser shell prints a per-launch URL with ?secret=...; the WebSocket needs it on every
// (re)connection. It is taken out of the address bar at once (so it is not left in history, in
// screenshots or on screen) and kept for this tab only, so a reload still connects. Other tabs
// and other origins never see sessionStorage.

const STORAGE_KEY = 'care-identity.agent-secret';

export function takePageSecret(win: Window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('secret');
  if (fromUrl !== null) {
    url.searchParams.delete('secret');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    if (fromUrl !== '') {
      safeStorage(win)?.setItem(STORAGE_KEY, fromUrl);
      return fromUrl;
    }
  }
  return safeStorage(win)?.getItem(STORAGE_KEY) ?? null;
}

function safeStorage(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    // Storage can be disabled by policy; the secret then lives only as long as the page.
    return null;
  }
}

/** Forgets a secret the agent has refused (it belongs to an earlier launch). */
export function forgetPageSecret(win: Window): void {
  safeStorage(win)?.removeItem(STORAGE_KEY);
}
