import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { AgentIndicator, AgentState } from '../../../src-shared/api/agent-api.js';
import { sameTrayModel, trayModel, type TrayModel } from './tray-status.js';

// The Identity Agent in the tray: an icon per indicator state (swapped with setImage), the
// state in words in the tooltip, and a context menu that is always attached, because Linux
// desktops differ on whether a click reaches the app at all.

export interface TrayActions {
  show(): void;
  /** Shows the main window with the change-passcode form open. */
  changePasscode(): void;
  lock(): void;
  logout(): void;
  quit(): void;
}

export class StatusTray {
  private readonly tray: Tray;
  private readonly images = new Map<AgentIndicator, NativeImage>();
  private model: TrayModel | undefined;

  constructor(
    private readonly iconPath: (indicator: AgentIndicator) => string,
    private readonly actions: TrayActions,
    initial: AgentState,
  ) {
    this.tray = new Tray(this.image(initial.indicator));
    this.tray.on('click', () => actions.show());
    this.update(initial);
  }

  update(state: AgentState): void {
    const next = trayModel(state);
    if (sameTrayModel(this.model, next)) return;
    if (this.model?.indicator !== next.indicator) this.tray.setImage(this.image(next.indicator));
    this.tray.setToolTip(next.tooltip);
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: next.tooltip.replace(/^Care Identity: /, ''), enabled: false },
        ...(next.removalNotice ? [{ label: next.removalNotice, enabled: false }] : []),
        { type: 'separator' },
        { label: 'Show Care Identity', click: () => this.actions.show() },
        { label: 'Change passcode…', enabled: next.canChangePasscode, click: () => this.actions.changePasscode() },
        { label: 'Lock', enabled: next.canLock, click: () => this.actions.lock() },
        { label: 'Log out', enabled: next.canLogout, click: () => this.actions.logout() },
        { type: 'separator' },
        { label: 'Quit', click: () => this.actions.quit() },
      ]),
    );
    this.model = next;
  }

  destroy(): void {
    this.tray.destroy();
  }

  private image(indicator: AgentIndicator): NativeImage {
    let image = this.images.get(indicator);
    if (!image) {
      // createFromPath picks up the @2x file beside the PNG for high-density displays.
      image = nativeImage.createFromPath(this.iconPath(indicator));
      this.images.set(indicator, image);
    }
    return image;
  }
}
