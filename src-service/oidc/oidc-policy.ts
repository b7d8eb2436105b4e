import type { interactionPolicy as InteractionPolicy, KoaContextWithOIDC } from 'oidc-provider';
import { minimumAalOf, type Aal } from '../../src-shared/api/oidc.js';

// The assurance an app needs, and the step-up rule: a provider session signed in at AAL2 that an
// app asks for AAL3 goes back to the sign-in page, as if there were no session. The level needed
// is the highest of what the request asks (acr_values) and what the app registered
// (default_acr_values); an app that names neither gets AAL2 or above.

/** The level `acrValues` (space separated) together with the client's defaults needs. */
export function requiredAal(acrValues: unknown, defaultAcrValues: readonly string[] | undefined): Aal {
  const asked = typeof acrValues === 'string' ? acrValues.split(' ').filter((v) => v !== '') : [];
  const levels = [...asked, ...(defaultAcrValues ?? [])].map(minimumAalOf).filter((l): l is Aal => l !== null);
  return levels.includes(3) ? 3 : 2;
}

/** The level a session's `acr` shows it reached, 0 when it names none. */
const aalOfAcr = (acr: string | undefined): number => (acr === undefined ? 0 : (minimumAalOf(acr) ?? 0));

/** The library's prompts, with the login prompt also asked when the session is below the level needed. */
export function promptPolicy(interactionPolicy: typeof InteractionPolicy): InteractionPolicy.DefaultPolicy {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  if (!login) throw new Error('the login prompt is missing from the base policy');
  login.checks.add(
    new interactionPolicy.Check('acr_step_up', 'the app needs a higher assurance sign-in', 'login_required', (kctx: KoaContextWithOIDC) => {
      const { oidc } = kctx;
      const needed = requiredAal(oidc.params?.acr_values, oidc.client?.defaultAcrValues);
      return aalOfAcr(oidc.session?.acr) < needed ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}
