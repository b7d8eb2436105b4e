import { useParams, type RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { AuthenticatorInstructionsPage } from './authenticator-instructions-page.js';
import { RemoveAuthenticatorPage } from './remove-authenticator-page.js';
import { SelectAuthenticatorTypePage } from './select-authenticator-type-page.js';

// The authenticator pages, from a profile's Authenticators tab: select a type, its instructions
// and action, remove one.

const useUuid = (): string => (useParams()['uuid'] ?? '').toLowerCase();

function SelectRoute() {
  const uuid = useUuid();
  return <SelectAuthenticatorTypePage key={uuid} uuid={uuid} />;
}

function InstructionsRoute() {
  const uuid = useUuid();
  const kind = useParams()['kind'] ?? '';
  return <AuthenticatorInstructionsPage key={`${uuid}/${kind}`} uuid={uuid} kind={kind} />;
}

function RemoveRoute() {
  const uuid = useUuid();
  const id = Number(useParams()['authenticatorId']);
  return <RemoveAuthenticatorPage key={`${uuid}/${id}`} uuid={uuid} authenticatorId={id} />;
}

export const AUTHENTICATORS_ROUTES: RouteObject[] = [
  { path: CIM_PATHS.addAuthenticator(':uuid'), element: <SelectRoute /> },
  { path: CIM_PATHS.authenticatorInstructions(':uuid', ':kind'), element: <InstructionsRoute /> },
  { path: CIM_PATHS.removeAuthenticator(':uuid', ':authenticatorId'), element: <RemoveRoute /> },
];
