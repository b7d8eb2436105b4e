import type { ServiceContext } from '../service-context.js';
import { ServiceError } from '../service-error.js';
import type { SignInFinisher } from './ipad-sign-in.js';

// The provider's finishing step for device sign-ins (src-service/oidc/finish-sign-in.ts).

const unavailable = (): never => {
  throw new ServiceError(503, 'unavailable', 'Sign-in for other apps is not available on this service.');
};

export const signInFinisher: SignInFinisher = {
  finishSignIn: (_ctx: ServiceContext) => Promise.resolve(unavailable()),
  requiredAalOf: (_ctx: ServiceContext) => Promise.resolve(unavailable()),
};
