import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ReportExportTicket } from '../../../src-shared/api/cim-reports.js';
import type { Agent } from '../../agent/agent-types.js';

// Electron's delivery of a report export (agent/report-export.ts): when the page asks for one
// (report.export), the main process asks where to save it (a save dialog, `chooseFile`) and
// streams the service's CSV into that file, a chunk at a time; the page follows the rows written
// on report.exportProgress. The ticket is answered with no download address: the file is already
// being written where the user chose. No file chosen: the ticket is spent, the service never asked.

/** The agent as the IPC hub sees it, with report.export delivered to a file. */
export function withReportSaveDialog(agent: Agent, chooseFile: (fileName: string) => Promise<string | null>): Agent {
  return {
    state: () => agent.state(),
    onState: (listener) => agent.onState(listener),
    close: () => agent.close(),
    signInForApp: (request) => agent.signInForApp(request),
    ...(agent.reportExports ? { reportExports: agent.reportExports } : {}),
    handle: async (channel, payload) => {
      const result = await agent.handle(channel, payload);
      const exports = agent.reportExports;
      if (channel !== 'report.export' || !exports) return result;
      const ticket = ReportExportTicket.parse(result);
      const path = await chooseFile(ticket.fileName);
      if (path === null) {
        exports.cancel(ticket.exportId);
        return { ...ticket, downloadPath: null };
      }
      // A refusal (the session gone, the report refused) is this request's error, before any file is made.
      const opened = await exports.open(ticket.exportId);
      // Written on after this answer; a failure part way shows in the export's progress.
      pipeline(opened.body, createWriteStream(path, { mode: 0o600 })).catch(() => undefined);
      return { ...ticket, downloadPath: null };
    },
  };
}
