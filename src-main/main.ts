import { runElectronShell } from './shell/electron/electron-app.js';

// The Electron entry point (built to dist/electron/main.js by `npm run build:electron`). The
// browser shell's entry is src-main/shell/browser/browser-main.ts; both host the same agent.

runElectronShell();
