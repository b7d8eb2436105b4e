import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { BatchReport, BatchResult } from '../../../src-shared/api/cim-batch.js';
import { WarningCallout } from '../../components/callouts.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { plural } from '../../format/dates.js';
import { useServiceMutation } from '../../api/service-query.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';

// Step 2: what the check found. The rows that can be applied are counted; every problem is
// listed with its row number, a page at a time. "Apply N changes" applies the good rows and
// skips the others (the page says so first); while the service works, a progress indicator.

const PER_PAGE = 25;

const sentence = (message: string): string => message.charAt(0).toUpperCase() + message.slice(1);

function changeWords(report: BatchReport): string {
  const parts = [
    report.adds > 0 ? plural(report.adds, 'assignment') + ' to add' : '',
    report.changes > 0 ? plural(report.changes, 'assignment') + ' to change' : '',
    report.removals > 0 ? plural(report.removals, 'assignment') + ' to remove' : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? 'None' : parts.join(', ');
}

function Pagination({ page, pages, total }: { page: number; pages: number; total: number }) {
  if (pages <= 1) return null;
  const href = (n: number): string => hrefOf(`${CIM_PATHS.batch}?page=${n}`);
  const range = (n: number): string => `Problems ${(n - 1) * PER_PAGE + 1} to ${Math.min(n * PER_PAGE, total)}`;
  return (
    <nav className="nhsuk-pagination" role="navigation" aria-label="Pages of problems">
      <ul className="nhsuk-list nhsuk-pagination__list">
        {page > 1 && (
          <li className="nhsuk-pagination-item--previous">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--prev" href={href(page - 1)} rel="prev">
              <span className="nhsuk-pagination__title">Previous</span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">{range(page - 1)}</span>
            </a>
          </li>
        )}
        {page < pages && (
          <li className="nhsuk-pagination-item--next">
            <a className="nhsuk-pagination__link nhsuk-pagination__link--next" href={href(page + 1)} rel="next">
              <span className="nhsuk-pagination__title">Next</span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">{range(page + 1)}</span>
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

function ProblemTable({ report }: { report: BatchReport }) {
  const [params] = useSearchParams();
  const total = report.errors.length;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const asked = Number(params.get('page') ?? '1');
  const page = Number.isInteger(asked) ? Math.min(Math.max(asked, 1), pages) : 1;
  const shown = report.errors.slice((page - 1) * PER_PAGE, page * PER_PAGE);
  return (
    <>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-table__caption--m">
          Rows with problems
          {pages > 1 && <span className="nhsuk-caption-m">{`Page ${page} of ${pages}`}</span>}
        </caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th className="nhsuk-table__header" scope="col">
              Row
            </th>
            <th className="nhsuk-table__header" scope="col">
              Problem
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {shown.map((error, i) => (
            <tr className="nhsuk-table__row" key={`${error.row}-${i}`}>
              <td className="nhsuk-table__cell">{`Row ${error.row}`}</td>
              <td className="nhsuk-table__cell">{sentence(error.message)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pagination page={page} pages={pages} total={total} />
    </>
  );
}

export interface BatchReportViewProps {
  readonly title: string;
  readonly report: BatchReport;
  readonly fileName: string;
  readonly onApplied: (result: BatchResult) => void;
  readonly onRestart: () => void;
}

export function BatchReportView({ title, report, fileName, onApplied, onRestart }: BatchReportViewProps) {
  const apply = useServiceMutation('applyAssignmentBatch');
  const summaryRef = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (problem) summaryRef.current?.focus();
  }, [problem]);

  const refusedRows = new Set(report.errors.map((e) => e.row)).size;
  const changes = plural(report.valid, 'change');
  const start = (): void => {
    setProblem(null);
    apply.mutate({ params: { batchId: report.batchId } }, { onSuccess: onApplied, onError: (error) => setProblem(error.message) });
  };

  return (
    <>
      <PageHeading caption={title}>Check the file</PageHeading>
      <ErrorSummary ref={summaryRef} errors={problem ? [{ text: problem }] : []} />
      <SummaryList
        rows={[
          { key: 'File', value: fileName },
          { key: 'Rows checked', value: String(report.rows) },
          { key: 'Can be applied', value: `${report.valid}: ${changeWords(report)}` },
          { key: 'Rows with problems', value: String(refusedRows) },
        ]}
      />
      {refusedRows > 0 && <ProblemTable report={report} />}
      {report.valid === 0 ? (
        <WarningCallout heading="Nothing can be applied" headingLevel={2}>
          <p>No row in this file can be applied. Correct the problems in your file and upload it again.</p>
        </WarningCallout>
      ) : (
        refusedRows > 0 && (
          <WarningCallout heading="Rows with problems will be skipped" headingLevel={2}>
            <p>
              If you apply this file, the {plural(refusedRows, 'row')} with problems will be skipped and nothing in them will change. To apply them, correct
              them in your file and upload it again.
            </p>
          </WarningCallout>
        )
      )}
      {apply.isPending && (
        <div className="nhsuk-u-margin-bottom-4">
          <label className="nhsuk-label" htmlFor="batch-progress">
            {`Applying ${changes}…`}
          </label>
          <progress id="batch-progress" className="nhsuk-u-width-full" />
        </div>
      )}
      <LiveStatus className="nhsuk-body" message={apply.isPending ? `Applying ${changes}. This may take a few seconds.` : ''} />
      <div className="nhsuk-button-group">
        {report.valid > 0 && (
          <button className="nhsuk-button" type="button" onClick={start} disabled={apply.isPending}>
            {`Apply ${changes}`}
          </button>
        )}
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onRestart} disabled={apply.isPending}>
          Upload a different file
        </button>
      </div>
    </>
  );
}
