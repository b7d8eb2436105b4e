import { finishSignIn, requiredAalOf } from '../oidc/finish-sign-in.js';
import type { SignInFinisher } from './ipad-sign-in.js';

// The provider's finishing step for device and code sign-ins (src-service/oidc/finish-sign-in.ts);
// tests hand the device modules a stand-in that records what it was asked.

export const signInFinisher: SignInFinisher = { finishSignIn, requiredAalOf };
