import { useParams, type RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { CancelSmartcardPage } from './cancel-smartcard-page.js';
import { ClearSmartcardPage } from './clear-smartcard-page.js';
import { IssueSmartcardPage } from './issue-smartcard-page.js';
import { RepairSmartcardPage } from './repair-smartcard-page.js';

// The smartcard lifecycle pages, from a user's Smartcards tab: issue, repair, clear, cancel.

function useIds(): { uuid: string; cardUuid: string } {
  const params = useParams();
  return { uuid: (params['uuid'] ?? '').toLowerCase(), cardUuid: (params['cardUuid'] ?? '').toLowerCase() };
}

function IssueRoute() {
  const { uuid } = useIds();
  return <IssueSmartcardPage key={uuid} uuid={uuid} />;
}

function RepairRoute() {
  const { uuid, cardUuid } = useIds();
  return <RepairSmartcardPage key={`${uuid}/${cardUuid}`} uuid={uuid} cardUuid={cardUuid} />;
}

function ClearRoute() {
  const { uuid, cardUuid } = useIds();
  return <ClearSmartcardPage key={`${uuid}/${cardUuid}`} uuid={uuid} cardUuid={cardUuid} />;
}

function CancelRoute() {
  const { uuid, cardUuid } = useIds();
  return <CancelSmartcardPage key={`${uuid}/${cardUuid}`} uuid={uuid} cardUuid={cardUuid} />;
}

export const SMARTCARDS_ROUTES: RouteObject[] = [
  { path: CIM_PATHS.issueSmartcard(':uuid'), element: <IssueRoute /> },
  { path: CIM_PATHS.smartcardAction(':uuid', ':cardUuid', 'repair'), element: <RepairRoute /> },
  { path: CIM_PATHS.smartcardAction(':uuid', ':cardUuid', 'clear'), element: <ClearRoute /> },
  { path: CIM_PATHS.smartcardAction(':uuid', ':cardUuid', 'cancel'), element: <CancelRoute /> },
];
