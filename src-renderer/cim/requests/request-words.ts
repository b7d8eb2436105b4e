import type { RequestKind, RequestStatus } from '../../../src-shared/api/cim-requests.js';
import { formatDate, formatTime } from '../../format/dates.js';

// How the Requests pages name each kind and status.

export const KIND_NAMES: Readonly<Record<RequestKind, string>> = {
  position: 'Position requests',
  'detail-change': 'Change of details requests',
  'profile-status': 'Close or reopen requests',
  esr: 'ESR requests',
};

export const KIND_NAME: Readonly<Record<RequestKind, string>> = {
  position: 'Position request',
  'detail-change': 'Change of details request',
  'profile-status': 'Close or reopen request',
  esr: 'ESR request',
};

export const STATUS_NAMES: Readonly<Record<RequestStatus, string>> = { pending: 'Waiting', accepted: 'Accepted', rejected: 'Rejected' };

export const KINDS = Object.keys(KIND_NAMES) as RequestKind[];
export const STATUSES = Object.keys(STATUS_NAMES) as RequestStatus[];

/** When a request was made: "15 June 2025 at 10:00am". */
export const whenText = (iso: string): string => `${formatDate(iso)} at ${formatTime(iso)}`;
