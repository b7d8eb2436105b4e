// The address apps use to sign people in (the OpenID Connect issuer), printed when the agent
// starts: the embedded service knows its own; a remote service is asked (its discovery
// document names the issuer, which may sit behind another public origin), else <service>/oidc.

const DISCOVERY = '/oidc/.well-known/openid-configuration';
const ASK_TIMEOUT_MS = 3_000;

export async function identityServiceUrl(serviceUrl: string, embeddedIssuer?: string): Promise<string> {
  if (embeddedIssuer) return embeddedIssuer;
  const base = serviceUrl.replace(/\/+$/, '');
  try {
    const response = await fetch(`${base}${DISCOVERY}`, { signal: AbortSignal.timeout(ASK_TIMEOUT_MS) });
    if (response.ok) {
      const { issuer } = (await response.json()) as { issuer?: unknown };
      if (typeof issuer === 'string' && /^https?:\/\//.test(issuer)) return issuer;
    }
  } catch {
    // Not reachable yet: the agent starts anyway and says where the issuer should be.
  }
  return `${base}/oidc`;
}
