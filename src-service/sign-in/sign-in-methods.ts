import type { Aal, AuthenticatorKind } from '../../src-shared/api/oidc.js';
import type { ServiceContext } from '../service-context.js';
import type { Html } from './html.js';
import { smartcardMethod } from './smartcard-method.js';
import { ipadMethod } from '../devices/ipad-method.js';
import { totpMethod } from '../devices/totp-method.js';
import { nhsnetMethod } from '../devices/nhsnet-method.js';
import { webauthnMethod } from '../authenticators/webauthn-method.js';

// The ways to sign in the sign-in page may offer, each at the assurance level it reaches. The
// page offers only those that meet what the app needs (an AAL3 app: the smartcard, an iPad, a security key attested at AAL3). Each
// authenticator adds itself here with one line.

interface SignInPageInput {
  readonly ctx: ServiceContext;
  /** The app asking, as its registration names it. */
  readonly clientName: string;
  readonly requiredAal: Aal;
}

/** A method's part of the page: its markup and the scripts (served by the service) it needs. */
interface MethodSection {
  readonly body: Html;
  readonly scripts?: readonly string[];
}

export interface SignInMethod {
  readonly kind: AuthenticatorKind;
  readonly aal: Aal;
  /** The method's heading on the page ("Smartcard"). */
  readonly label: string;
  render(uid: string, page: SignInPageInput): MethodSection | Promise<MethodSection>;
}

export const SIGN_IN_METHODS: readonly SignInMethod[] = [smartcardMethod, ipadMethod, webauthnMethod, totpMethod, nhsnetMethod];

/** The methods that reach `required`, in the registry's order. */
export const methodsMeeting = (required: Aal, methods: readonly SignInMethod[] = SIGN_IN_METHODS): SignInMethod[] => methods.filter((m) => m.aal >= required);
