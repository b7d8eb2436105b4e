import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { ServiceError } from '../service-error.js';
import { route, type AnyRoute } from './route.js';

// Apply for Care ID, the sponsor's actions: settings, new applications (one, or a checked CSV),
// resend, cancel, mark as done. Each handler authorises inside its apply/ module.

const notYet = (): never => {
  throw new ServiceError(503, 'unavailable', 'This part of Apply for Care ID is not available yet.');
};

export function applySponsorRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.applySettings, notYet),
    route(SERVICE_ENDPOINTS.applyChangeSettingsEmail, notYet),
    route(SERVICE_ENDPOINTS.applyConfirmSettingsEmail, notYet),
    route(SERVICE_ENDPOINTS.applyAccessOptions, notYet),
    route(SERVICE_ENDPOINTS.applyCreateApplication, notYet),
    route(SERVICE_ENDPOINTS.applyResend, notYet),
    route(SERVICE_ENDPOINTS.applyResendSelected, notYet),
    route(SERVICE_ENDPOINTS.applyCancel, notYet),
    route(SERVICE_ENDPOINTS.applyMarkDone, notYet),
    route(SERVICE_ENDPOINTS.applyBulkCheck, notYet),
    route(SERVICE_ENDPOINTS.applyBulkSend, notYet),
  ];
}
