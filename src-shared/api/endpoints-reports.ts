import { endpoint } from './endpoint.js';
import { ReportCatalogue, ReportCsv, ReportExportQuery, ReportPage, ReportParams, ReportRunQuery } from './cim-reports.js';

// Care Identity Management: view and export reports (activity 'view-reports'). Every report is
// limited to the session's organisation and its child organisations.

export const REPORTS_ENDPOINTS = {
  reports: endpoint({
    method: 'GET',
    path: '/v1/reports',
    summary: 'The reports you may run, the frequently used ones first',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    response: ReportCatalogue,
  }),
  runReport: endpoint({
    method: 'GET',
    path: '/v1/reports/:reportId',
    summary: "One page of a report over your organisations, with its filters, sort column and direction",
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    params: ReportParams,
    query: ReportRunQuery,
    response: ReportPage,
  }),
  // Not viaAgent: its answer is a CSV stream, not JSON. The renderer asks for it on its own agent
  // channel (report.export), which streams it to a file or a one-use download. The rows come in
  // the report's key order (an index walk, whatever the directory's size); a sort given is
  // checked like a page's but does not reorder them: a spreadsheet sorts the file.
  exportReport: endpoint({
    method: 'GET',
    path: '/v1/reports/:reportId/export',
    summary: 'A whole report over your organisations as CSV, streamed row by row',
    tag: 'cim',
    auth: 'session',
    produces: 'text/csv',
    params: ReportParams,
    query: ReportExportQuery,
    response: ReportCsv,
  }),
} as const;
