import { useState, type FormEvent } from 'react';
import { BULK_COLUMNS, MAX_BULK_ROWS } from '../../src-shared/api/apply.js';
import type { BulkCheckResponse, BulkSendResponse } from '../../src-shared/api/apply.js';
import type { z } from 'zod';
import { useServiceMutation, useServiceQuery } from '../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../components/error-summary.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { plural } from '../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim/cim-paths.js';
import { SuccessBanner } from '../cim/users/user-form-fields.js';
import { APPLY_CAPTION, useFailureFocus } from './apply-ui.js';
import { BULK_COLUMN_HELP, BULK_EXAMPLE_FILE_NAME, bulkExampleCsv, bulkFileProblem } from './bulk-csv.js';

// Bulk invitations: a CSV of applicants, read here and checked by the service row by row before
// anything is sent; the report shows every row with its problems, then "Send N invitations"
// makes one application per valid row (the rows with problems are left out).

type Report = z.infer<typeof BulkCheckResponse>;
type Sent = z.infer<typeof BulkSendResponse>;

const FILE_ID = 'bulk-file';

/** The file's text, read in this window (it never passes through the disk again). */
const readText = (file: File): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(new Error('The selected file could not be read'));
    reader.readAsText(file);
  });

export function BulkInvitationsPage() {
  const [report, setReport] = useState<{ fileName: string; report: Report } | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  if (sent) return <BulkSent sent={sent} />;
  if (report) return <BulkReport fileName={report.fileName} report={report.report} onSent={setSent} onAgain={() => setReport(null)} />;
  return <ChooseFile onChecked={(fileName, checked) => setReport({ fileName, report: checked })} />;
}

function ChooseFile({ onChecked }: { onChecked: (fileName: string, report: Report) => void }) {
  const options = useServiceQuery('applyAccessOptions', {});
  const check = useServiceMutation('applyBulkCheck');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const focus = useFailureFocus();

  const fail = (message: string): void => {
    setProblem(message);
    focus.failed();
  };
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (check.isPending || reading) return;
    const before = bulkFileProblem(file);
    if (before !== null || file === null) return fail(before ?? 'Select a CSV file');
    setProblem(null);
    setReading(true);
    readText(file)
      .then((csv) => {
        setReading(false);
        if (csv.trim() === '') return fail('The selected file is empty');
        check.mutate({ body: { fileName: file.name, csv } }, { onSuccess: (report) => onChecked(file.name, report), onError: (error) => fail(error.message) });
      })
      .catch(() => {
        setReading(false);
        fail('The selected file could not be read. Save it as CSV and try again.');
      });
  };

  const download = (): void => {
    const blob = new Blob([bulkExampleCsv(options.data?.positions[0]?.id ?? null)], { type: 'text/csv' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = BULK_EXAMPLE_FILE_NAME;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const describedBy = [`${FILE_ID}-hint`, ...(problem ? [`${FILE_ID}-error`] : [])].join(' ');
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.applyHome)}>
        Back
      </a>
      <PageHeading caption={APPLY_CAPTION}>Bulk invitations</PageHeading>
      <ErrorSummary ref={focus.ref} errors={problem ? [{ text: problem, href: `#${FILE_ID}` }] : []} />
      <p>
        Apply for many new members of staff at once with a CSV file, one applicant a row, up to {MAX_BULK_ROWS}. Every row is checked before anything is sent, and you see
        each row&apos;s problems first.
      </p>
      <h2 className="nhsuk-heading-m">What the file holds</h2>
      <p>The first row names the columns, in this order:</p>
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">The columns of the CSV file</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th scope="col" className="nhsuk-table__header">
              Column
            </th>
            <th scope="col" className="nhsuk-table__header">
              What it holds
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {BULK_COLUMNS.map((column) => (
            <tr className="nhsuk-table__row" key={column}>
              <td className="nhsuk-table__cell">
                <code>{column}</code>
              </td>
              <td className="nhsuk-table__cell">{BULK_COLUMN_HELP[column]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {options.data && (
        <details className="nhsuk-details">
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">Position IDs at {options.data.organisation.code}</span>
          </summary>
          <div className="nhsuk-details__text">
            <p>
              Positions can only be added for the ODS code {options.data.organisation.code} ({options.data.organisation.name}), the organisation you work under now.
            </p>
            <ul className="nhsuk-list nhsuk-list--bullet">
              {options.data.positions.map((p) => (
                <li key={p.id}>
                  {p.id}: {p.title} ({p.jobRole})
                </li>
              ))}
            </ul>
          </div>
        </details>
      )}
      <p>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={download}>
          Download an example file
        </button>
      </p>
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${problem ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label nhsuk-label--m" htmlFor={FILE_ID}>
            Upload a CSV file
          </label>
          <div className="nhsuk-hint" id={`${FILE_ID}-hint`}>
            A .csv file smaller than 2 MB
          </div>
          {problem && <ErrorMessage id={`${FILE_ID}-error`}>{problem}</ErrorMessage>}
          <input
            className={`nhsuk-file-upload${problem ? ' nhsuk-file-upload--error' : ''}`}
            id={FILE_ID}
            name={FILE_ID}
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            aria-describedby={describedBy}
          />
        </div>
        <LiveStatus className="nhsuk-body" message={reading ? 'Reading the file…' : check.isPending ? 'Checking every row…' : ''} />
        <button className="nhsuk-button" type="submit" disabled={check.isPending || reading}>
          Check the file
        </button>
      </form>
    </>
  );
}

const rowId = (line: number): string => `bulk-line-${line}`;

function BulkReport({ fileName, report, onSent, onAgain }: { fileName: string; report: Report; onSent: (sent: Sent) => void; onAgain: () => void }) {
  const send = useServiceMutation('applyBulkSend');
  const withProblems = report.rows.filter((row) => row.problems.length > 0);
  const summary = withProblems.map((row) => ({ text: `Line ${row.line}${row.applicantName ? ` (${row.applicantName})` : ''}: ${row.problems.join('; ')}`, href: `#${rowId(row.line)}` }));
  return (
    <>
      <PageHeading caption={APPLY_CAPTION}>Check the invitations</PageHeading>
      <p>
        {fileName}: {plural(report.rows.length, 'row')}, {report.valid} ready to send, {report.invalid} with problems.
      </p>
      <ErrorSummary errors={summary} />
      {send.isError && <ErrorSummary errors={[{ text: send.error.message }]} />}
      {report.invalid > 0 && <p>Rows with problems are not sent. Correct them in the file and upload it again, or send the rows that are ready now.</p>}
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption">Every row of the file</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th scope="col" className="nhsuk-table__header">
              Line
            </th>
            <th scope="col" className="nhsuk-table__header">
              Applicant
            </th>
            <th scope="col" className="nhsuk-table__header">
              Problems
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {report.rows.map((row) => (
            <tr className="nhsuk-table__row" key={row.line}>
              <td className="nhsuk-table__cell" id={rowId(row.line)} tabIndex={-1}>
                {row.line}
              </td>
              <td className="nhsuk-table__cell">{row.applicantName || 'No name'}</td>
              <td className="nhsuk-table__cell">
                {row.problems.length === 0 ? (
                  <strong className="nhsuk-tag nhsuk-tag--green">Ready</strong>
                ) : (
                  <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                    {row.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LiveStatus className="nhsuk-body" message={send.isPending ? 'Sending the invitations…' : ''} />
      <div className="nhsuk-button-group">
        {report.valid > 0 && (
          <button className="nhsuk-button" type="button" disabled={send.isPending} onClick={() => send.mutate({ params: { batchId: report.batchId } }, { onSuccess: onSent })}>
            Send {plural(report.valid, 'invitation')}
          </button>
        )}
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onAgain}>
          Upload another file
        </button>
      </div>
    </>
  );
}

function BulkSent({ sent }: { sent: Sent }) {
  return (
    <>
      <SuccessBanner id="bulk-sent">
        <PageHeading className="nhsuk-notification-banner__heading">{plural(sent.created.length, 'invitation')} sent</PageHeading>
        <p className="nhsuk-body">Each applicant has a link by email to confirm their details and a link by text to verify their identity documents.</p>
      </SuccessBanner>
      {sent.duplicates.length > 0 && (
        <p>
          {plural(sent.duplicates.length, 'application')} went to Duplicates: a Smartcard profile already exists for the person. No links were sent to them; the Registration
          Authority team will contact them.
        </p>
      )}
      <ul className="nhsuk-list nhsuk-list--bullet">
        {[...sent.created, ...sent.duplicates].map((reference) => (
          <li key={reference}>
            <a className="nhsuk-link" href={hrefOf(CIM_PATHS.applyApplication(reference))}>
              {reference}
            </a>
          </li>
        ))}
      </ul>
      <a className="nhsuk-button nhsuk-button--secondary" href={hrefOf(CIM_PATHS.applyHome)} role="button" draggable="false">
        Home
      </a>
    </>
  );
}
