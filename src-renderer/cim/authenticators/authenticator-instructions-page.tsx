import type { IssuableKind } from '../../../src-shared/api/cim-authenticators.js';
import { PageHeading } from '../../components/page-heading.js';
import { AuthenticatorFrame, BackToAuthenticators } from './authenticator-frame.js';
import { AUTHENTICATOR_TYPES } from './authenticator-types.js';

// The instructions for one kind, ending in its action (a registration link, a QR code): the
// kind's own page from the registry, once the service says the viewer may add it here.

export function AuthenticatorInstructionsPage({ uuid, kind }: { uuid: string; kind: string }) {
  const type = AUTHENTICATOR_TYPES[kind as IssuableKind];
  const title = type ? `Add ${type.label === 'Windows Hello' ? 'Windows Hello' : `a ${type.label.toLowerCase()}`}` : 'Add an authenticator';
  return (
    <AuthenticatorFrame uuid={uuid} heading={title}>
      {(holder) =>
        type && holder.authenticators.mayIssue.includes(kind as IssuableKind) ? (
          <>
            <PageHeading caption={holder.name}>{title}</PageHeading>
            <type.Instructions holder={holder} />
          </>
        ) : (
          <>
            <PageHeading caption={holder.name}>{title}</PageHeading>
            <p>You cannot add this type of authenticator to this profile.</p>
            <BackToAuthenticators holder={holder} />
          </>
        )
      }
    </AuthenticatorFrame>
  );
}
