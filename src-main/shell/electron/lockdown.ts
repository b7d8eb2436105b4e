import type { Session, WebContents, WebPreferences } from 'electron';

// The Electron security checklist, applied in one place: every window's preferences, no
// navigation or new windows from any page, no webviews, and no permission ever granted (the
// app needs no camera, microphone, location, notifications from pages, or anything else).

export interface WindowPolicy {
  /** False in a packaged app: no DevTools, so no console into a signed-in session. */
  readonly devTools: boolean;
}

export function secureWebPreferences(preload: string, policy: WindowPolicy): WebPreferences {
  return {
    preload,
    devTools: policy.devTools,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** For every WebContents the app creates (app 'web-contents-created'). */
export function lockDownContents(contents: WebContents): void {
  // The renderer routes with the URL hash (no navigation); anything else is a link or an attack.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
