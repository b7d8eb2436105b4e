export const NODE_BUNDLES: readonly { readonly entry: string; readonly out: string }[];
export function buildNodeBundles(outRoot?: string): Promise<void>;
