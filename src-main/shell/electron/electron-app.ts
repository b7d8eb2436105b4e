import { app, dialog, Menu, Notification, session } from 'electron';
import { CHANGE_PASSCODE_HASH, type AgentState } from '../../../src-shared/api/agent-api.js';
import type { Agent } from '../../agent/agent-types.js';
import { defaultLaunchDeps } from '../../launch/default-launch-deps.js';
import { launchAgent, type LaunchedAgent } from '../../launch/launch-agent.js';
import { LAUNCH_USAGE, LaunchOptionsError, parseLaunchOptions, type LaunchOptions } from '../../launch/launch-options.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { IdentityAgentWindow } from './identity-agent-window.js';
import { setupIpcHub } from './ipc-hub.js';
import { withReportSaveDialog } from './report-save.js';
import { denyAllPermissions, lockDownContents, type WindowPolicy } from './lockdown.js';
import { createMainWindow, showWindow } from './main-window.js';
import { packagedStartRefusal, REFUSED_SWITCHES, refusedSwitches } from './packaged-switches.js';
import { renewalWantsMainWindow } from './renewal-focus.js';
import { passcodeWantsWindow } from '../../bridge/connect-focus.js';
import type { SignInStyle } from '../../../src-shared/api/agent-bridge.js';
import { renewalNotice } from './renewal-notice.js';
import { appIconPath, preloadPath, rendererDir, trayIconPath } from './resource-paths.js';
import { StatusTray } from './status-tray.js';
import { TrustedSenders } from './trusted-senders.js';

// The Electron shell: a thin adapter over the same agent the browser shell hosts. Startup is a
// short list of steps, each feature wiring itself; the agent is built by src-main/launch exactly
// as for the browser shell, and only the transport (IPC), the windows and the tray are added.

/** The same as electron-builder's appId, so Windows groups notifications and the taskbar under it. */
const APP_USER_MODEL_ID = 'uk.care-identity.workstation';

export function runElectronShell(argv: readonly string[] = process.argv.slice(1)): void {
  if (app.isPackaged && refuseDebugSwitches()) return;
  let options: LaunchOptions;
  try {
    // Chromium's and Electron's own switches share the command line: let them through.
    options = parseLaunchOptions(argv, { allowForeign: true });
  } catch (err) {
    if (!(err instanceof LaunchOptionsError)) throw err;
    failBeforeStart('Care Identity cannot start', err.message, 2);
    return;
  }
  if (options.help) {
    console.log(`usage: care-identity-workstation [options]\n${LAUNCH_USAGE}`);
    app.exit(0);
    return;
  }

  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  app.enableSandbox();
  // One Identity Agent per user session: a second start brings the running one forward.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  registerAppScheme();
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

  let ui: Ui | undefined;
  app.on('second-instance', () => ui?.showMain());
  // Windows hide rather than close; the tray's Quit is the way out.
  app.on('window-all-closed', () => undefined);

  void app.whenReady().then(async () => {
    // Packaged: no application menu, and with it none of the default menu's DevTools and reload keys.
    if (app.isPackaged) Menu.setApplicationMenu(null);
    denyAllPermissions(session.defaultSession);
    serveRenderer(session.defaultSession, rendererDir());
    let launched: LaunchedAgent;
    try {
      launched = await launchAgent(options, defaultLaunchDeps);
    } catch (err) {
      failBeforeStart('The Identity Agent could not start', (err as Error).message, 1);
      return;
    }
    console.log(`identity service: ${launched.identityServiceUrl}`);
    ui = startUi(launched.agent, options.signInStyle);
    handleQuit(launched, ui);
  });
}

interface Ui {
  showMain(): void;
  isQuitting(): boolean;
  setQuitting(): void;
  close(): void;
}

function startUi(agent: Agent, signInStyle: SignInStyle): Ui {
  let quitting = false;
  const isQuitting = (): boolean => quitting;
  const preload = preloadPath();
  const trusted = new TrustedSenders();
  const policy: WindowPolicy = { devTools: !app.isPackaged };

  const main = createMainWindow({ preload, icon: appIconPath(), policy, quitting: isQuitting });
  trusted.add(main.webContents);
  const box = new IdentityAgentWindow(preload, policy, isQuitting);
  trusted.add(box.window.webContents);
  // "Export as CSV" saves where the user chooses, from the main window.
  const saveReport = (fileName: string): Promise<string | null> =>
    dialog
      .showSaveDialog(main, { defaultPath: fileName, filters: [{ name: 'CSV (comma-separated values)', extensions: ['csv'] }] })
      .then((chosen) => (chosen.canceled || !chosen.filePath ? null : chosen.filePath));
  const closeHub = setupIpcHub(withReportSaveDialog(agent, saveReport), trusted);

  const request = (channel: 'agent.lock' | 'agent.logout'): void => {
    agent.handle(channel, {}).catch((err: unknown) => console.error(`${channel} from the tray failed:`, err));
  };
  const tray = new StatusTray(
    trayIconPath,
    {
      show: () => showWindow(main),
      changePasscode: () => {
        showWindow(main);
        // A fixed address the renderer honours (identity-agent-box.tsx): no data goes with it.
        main.webContents.executeJavaScript(`window.location.hash = ${JSON.stringify(CHANGE_PASSCODE_HASH)};`).catch((err: unknown) => {
          console.error('opening the change-passcode form failed:', err);
        });
      },
      lock: () => request('agent.lock'),
      logout: () => request('agent.logout'),
      quit: () => app.quit(),
    },
    agent.state(),
  );

  let previous: AgentState | undefined = agent.state();
  box.update(previous);
  const unsubscribe = agent.onState((state) => {
    tray.update(state);
    box.update(state);
    const notice = renewalNotice(previous, state);
    if (notice && Notification.isSupported()) new Notification({ ...notice, icon: appIconPath() }).show();
    if (renewalWantsMainWindow(previous, state)) showWindow(main);
    if (signInStyle === 'connect' && passcodeWantsWindow(previous, state)) showWindow(main);
    previous = state;
  });

  return {
    showMain: () => showWindow(main),
    isQuitting,
    setQuitting: () => {
      quitting = true;
    },
    close: () => {
      unsubscribe();
      closeHub();
      tray.destroy();
    },
  };
}

/** Quit closes the windows, then the agent, readers and embedded service, then exits. */
function handleQuit(launched: LaunchedAgent, ui: Ui): void {
  let finished = false;
  app.on('before-quit', () => ui.setQuitting());
  app.on('will-quit', (event) => {
    if (finished) return;
    event.preventDefault();
    ui.close();
    launched
      .close()
      .catch((err: unknown) => console.error('closing the Identity Agent did not finish cleanly:', err))
      .finally(() => {
        finished = true;
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}

/**
 * Packaged only: a debugging, sandbox or web-security switch stops the start at once (see
 * packaged-switches.ts). Both the raw arguments and Chromium's parsed command line are read, so
 * a switch spelt the way only Chromium understands it is caught too. True when refused.
 */
function refuseDebugSwitches(): boolean {
  const found = refusedSwitches(process.argv);
  for (const name of REFUSED_SWITCHES) if (!found.includes(name) && app.commandLine.hasSwitch(name)) found.push(name);
  const refusal = packagedStartRefusal(found);
  if (refusal === null) return false;
  console.error(refusal);
  // Before 'ready' this is a plain message box on Windows and macOS and stderr on Linux.
  dialog.showErrorBox('Care Identity cannot start', refusal);
  app.exit(2);
  return true;
}

function failBeforeStart(title: string, message: string, code: number): void {
  console.error(message);
  void app.whenReady().then(() => {
    dialog.showErrorBox(title, message);
    app.exit(code);
  });
}
