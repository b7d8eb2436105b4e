import type { FastifyInstance } from 'fastify';
import { REPORT_DOWNLOAD_PREFIX, ReportExportId } from '../../../src-shared/api/cim-reports.js';
import type { Agent } from '../../agent/agent-types.js';
import { toAgentError } from '../agent-error.js';

// Browser mode's delivery of a report export (agent/report-export.ts): the page links to
// REPORT_DOWNLOAD_PREFIX + the ticket the agent gave it, and this route streams the service's CSV
// straight into the answer as an attachment, so the browser saves it like any download. The
// ticket is the only key: 256 random bits, good for one download within minutes, asked for on
// the shell's own address (its Host check applies here as everywhere). A refusal (the ticket used
// or expired, the session gone) is a short text page in the user's words.

export function registerReportDownloads(app: FastifyInstance, agent: Agent): void {
  app.get(`${REPORT_DOWNLOAD_PREFIX}:exportId`, async (request, reply) => {
    const exports = agent.reportExports;
    const id = ReportExportId.safeParse((request.params as { exportId?: unknown }).exportId);
    if (!exports || !id.success) return reply.code(404).type('text/plain; charset=utf-8').send('Not found.');
    try {
      const opened = await exports.open(id.data);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${opened.fileName}"`)
        .header('cache-control', 'no-store')
        .send(opened.body);
    } catch (err) {
      return reply.code(410).type('text/plain; charset=utf-8').send(toAgentError(err).message);
    }
  });
}
