export function findElectronBinary(projectDir: string): string | null;
export function missingElectronMessage(version: string): string;
