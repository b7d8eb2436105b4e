import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ReportExportTicket, ReportId } from '../../../src-shared/api/cim-reports.js';
import { toAgentCallError } from '../../api/agent-call-error.js';
import { useAgentClient } from '../../api/agent-context.js';

// "Export as CSV": the agent gets the whole report from the service and streams it on (the page
// never holds the session, nor the file). In the browser the page is given a one-use download
// link; in the desktop app the agent asks where to save it and writes it there. Either way the
// page shows the rows written as they go.

export function ReportExport({ reportId, query }: { reportId: ReportId; query: Record<string, string> }) {
  const client = useAgentClient();
  const [ticket, setTicket] = useState<ReportExportTicket | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const progress = useQuery({
    queryKey: ['report.exportProgress', ticket?.exportId],
    queryFn: () => client.invoke('report.exportProgress', { exportId: (ticket as ReportExportTicket).exportId }),
    enabled: ticket !== null,
    refetchInterval: (q) => (q.state.data?.status === 'done' || q.state.data?.status === 'failed' || q.state.data?.status === 'cancelled' ? false : 500),
  });

  const start = (): void => {
    setAsking(true);
    setProblem(null);
    client
      .invoke('report.export', { reportId, query })
      .then(setTicket)
      .catch((error: unknown) => setProblem(toAgentCallError(error).message))
      .finally(() => setAsking(false));
  };

  const p = progress.data;
  const rows = (n: number): string => `${n.toLocaleString('en-GB')} ${n === 1 ? 'row' : 'rows'}`;
  const status =
    p === undefined
      ? ''
      : p.status === 'ready'
        ? 'Your export is ready to download.'
        : p.status === 'writing'
          ? `Exporting: ${rows(p.rows)} written so far.`
          : p.status === 'done'
            ? `Export finished: ${rows(p.rows)} written.`
            : (p.message ?? 'The export did not finish.');

  return (
    <div className="nhsuk-u-margin-bottom-6">
      <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={start} disabled={asking}>
        Export as CSV
      </button>
      {problem && (
        <p className="nhsuk-error-message" role="alert">
          {problem}
        </p>
      )}
      <p className="nhsuk-body" role="status">
        {status}
      </p>
      {ticket?.downloadPath && p?.status === 'ready' && (
        <p className="nhsuk-body">
          <a className="nhsuk-link" href={ticket.downloadPath} download={ticket.fileName}>
            Download {ticket.fileName}
          </a>
        </p>
      )}
    </div>
  );
}
