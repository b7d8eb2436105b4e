import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { exportReport, listReports, runReport } from '../cim/reports-run.js';
import { route, type AnyRoute } from './route.js';

// Reports (activity 'view-reports'): the catalogue, one page of a report, and the whole report as
// CSV, streamed. Authorised and scoped inside cim/reports-run.ts.

/** The report endpoints. */
export function reportRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.reports, ({ session }) => listReports(session)),
    route(SERVICE_ENDPOINTS.runReport, ({ ctx, session, params, query }) => runReport(ctx, session, params.reportId, query)),
    route(SERVICE_ENDPOINTS.exportReport, async ({ ctx, session, params, query, reply }) => {
      const csv = await exportReport(ctx, session, params.reportId, query);
      reply.header('content-disposition', `attachment; filename="${csv.fileName}"`);
      return csv.body;
    }),
  ];
}
