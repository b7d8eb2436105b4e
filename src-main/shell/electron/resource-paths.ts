import { app } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentIndicator } from '../../../src-shared/api/agent-api.js';

// Where the Electron shell's files are, in a packaged app (icons under resources/, via
// electron-builder's extraResources) and when run from the project with `electron .`.

/** dist/electron/, where main.js and preload.cjs are built. */
const bundleDir = dirname(fileURLToPath(import.meta.url));

export const preloadPath = (): string => join(bundleDir, 'preload.cjs');

export const rendererDir = (): string => join(app.getAppPath(), 'dist', 'renderer');

const iconRoot = (): string => (app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'build'));

/** Windows draws tray icons best from .ico; elsewhere the 16 px PNG (with its @2x beside it). */
export const trayIconPath = (indicator: AgentIndicator): string => join(iconRoot(), 'tray', `${indicator}${process.platform === 'win32' ? '.ico' : '.png'}`);

export const appIconPath = (): string => join(iconRoot(), 'icon.png');
