import { BrowserWindow, screen } from 'electron';
import type { AgentState } from '../../../src-shared/api/agent-api.js';
import { identityBoxBounds, identityBoxVisible } from './identity-box.js';
import { secureWebPreferences, type WindowPolicy } from './lockdown.js';
import { APP_ORIGIN } from './sender-check.js';

// The Identity Agent box: the same renderer at #identity-agent (the renderer draws its compact
// view for that hash), frameless and always on top at the bottom right of the primary display's
// work area. Shown while signed in, without taking focus from what the user is doing.

export class IdentityAgentWindow {
  readonly window: BrowserWindow;
  private readonly place = (): void => {
    if (!this.window.isDestroyed()) this.window.setBounds(identityBoxBounds(screen.getPrimaryDisplay().workArea));
  };

  constructor(preload: string, policy: WindowPolicy, quitting: () => boolean) {
    this.window = new BrowserWindow({
      ...identityBoxBounds(screen.getPrimaryDisplay().workArea),
      frame: false,
      show: false,
      alwaysOnTop: true,
      skipTaskbar: true,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      title: 'Identity Agent',
      backgroundColor: '#ffffff',
      webPreferences: secureWebPreferences(preload, policy),
    });
    // Above ordinary windows, including full-screen clinical systems on some desktops.
    this.window.setAlwaysOnTop(true, 'floating');
    this.window.on('close', (event) => {
      if (quitting()) return;
      event.preventDefault();
      this.window.hide();
    });
    // Taskbars move and displays come and go: stay in the corner of the work area.
    screen.on('display-metrics-changed', this.place);
    screen.on('display-added', this.place);
    screen.on('display-removed', this.place);
    this.window.once('closed', () => {
      screen.off('display-metrics-changed', this.place);
      screen.off('display-added', this.place);
      screen.off('display-removed', this.place);
    });
    void this.window.loadURL(`${APP_ORIGIN}/index.html#identity-agent`);
  }

  update(state: AgentState): void {
    if (this.window.isDestroyed()) return;
    const visible = identityBoxVisible(state);
    if (visible && !this.window.isVisible()) {
      this.place();
      this.window.showInactive();
    } else if (!visible && this.window.isVisible()) {
      this.window.hide();
    }
  }
}
