import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { applyBulkCheck, applyBulkSend } from '../apply/bulk-invite.js';
import { applyCancel } from '../apply/cancel.js';
import { applyAccessOptions, applyCreateApplication } from '../apply/create.js';
import { applyMarkDone } from '../apply/mark-done.js';
import { applyResend, applyResendSelected } from '../apply/resend.js';
import { applyChangeSettingsEmail, applyConfirmSettingsEmail, applySettings } from '../apply/settings.js';
import { route, type AnyRoute } from './route.js';

// Apply for Care ID, the sponsor's actions: settings, new applications (one, or a checked CSV),
// resend, cancel, mark as done. Each handler authorises inside its apply/ module.

export function applySponsorRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.applySettings, ({ ctx, session }) => applySettings(ctx, session)),
    route(SERVICE_ENDPOINTS.applyChangeSettingsEmail, ({ ctx, session, body }) => applyChangeSettingsEmail(ctx, session, body.email)),
    route(SERVICE_ENDPOINTS.applyConfirmSettingsEmail, ({ ctx, session, body }) => applyConfirmSettingsEmail(ctx, session, body.code)),
    route(SERVICE_ENDPOINTS.applyAccessOptions, ({ ctx, session }) => applyAccessOptions(ctx, session)),
    route(SERVICE_ENDPOINTS.applyCreateApplication, ({ ctx, session, body }) => applyCreateApplication(ctx, session, body)),
    route(SERVICE_ENDPOINTS.applyResend, ({ ctx, session, params }) => applyResend(ctx, session, params.reference)),
    route(SERVICE_ENDPOINTS.applyResendSelected, ({ ctx, session, body }) => applyResendSelected(ctx, session, body.references)),
    route(SERVICE_ENDPOINTS.applyCancel, ({ ctx, session, params, body }) => applyCancel(ctx, session, params.reference, body.reason)),
    route(SERVICE_ENDPOINTS.applyMarkDone, ({ ctx, session, params }) => applyMarkDone(ctx, session, params.reference)),
    route(SERVICE_ENDPOINTS.applyBulkCheck, ({ ctx, session, body }) => applyBulkCheck(ctx, session, body)),
    route(SERVICE_ENDPOINTS.applyBulkSend, ({ ctx, session, params }) => applyBulkSend(ctx, session, params.batchId)),
  ];
}
