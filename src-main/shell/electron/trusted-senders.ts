import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { isTrustedSender } from './sender-check.js';

// The registry of our own windows' WebContents: the only ones whose IPC the hub answers and the
// only ones state is pushed to. A window leaves the registry when its contents are destroyed.

export class TrustedSenders {
  private readonly contents = new Map<number, WebContents>();

  add(webContents: WebContents): void {
    const id = webContents.id;
    this.contents.set(id, webContents);
    webContents.once('destroyed', () => this.contents.delete(id));
  }

  allows(event: IpcMainInvokeEvent): boolean {
    let frameUrl: string | undefined;
    let isTopFrame = false;
    try {
      // A frame that navigated or was destroyed since sending throws or is null: refuse.
      const frame = event.senderFrame;
      frameUrl = frame?.url;
      isTopFrame = frame !== null && frame.parent === null;
    } catch {
      return false;
    }
    return isTrustedSender({ webContentsId: event.sender.id, frameUrl, isTopFrame }, new Set(this.contents.keys()));
  }

  /** Live contents, for state pushes. */
  all(): WebContents[] {
    return [...this.contents.values()].filter((wc) => !wc.isDestroyed());
  }
}
