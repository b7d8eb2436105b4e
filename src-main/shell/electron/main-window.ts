import { BrowserWindow } from 'electron';
import { secureWebPreferences, type WindowPolicy } from './lockdown.js';
import { APP_ORIGIN } from './sender-check.js';

// The main window: the renderer's full view. Closing it hides it to the tray (the Identity
// Agent keeps watching the card); only Quit from the tray menu ends the app.

export interface MainWindowOptions {
  readonly preload: string;
  readonly icon: string;
  readonly policy: WindowPolicy;
  /** True once the app is quitting: then closing really closes. */
  readonly quitting: () => boolean;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1120,
    height: 800,
    minWidth: 720,
    minHeight: 560,
    show: false,
    title: 'Care Identity',
    icon: options.icon,
    backgroundColor: '#f0f4f5',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(options.preload, options.policy),
  });
  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (options.quitting()) return;
    event.preventDefault();
    win.hide();
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

export function showWindow(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
