import { useRef, useState, type FormEvent } from 'react';
import { useServiceMutation } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';

// Importing an ESR file (JSON or CSV, docs/esr-feed.md) into Requests: every record is checked
// first, and one bad record refuses the whole file, naming what is wrong.

const FILE_ID = 'esr-file';

export function EsrImportPage() {
  const fileRef = useRef<HTMLInputElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const importFile = useServiceMutation('importEsrRequests');
  const [fileError, setFileError] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (importFile.isPending) return;
    const file = fileRef.current?.files?.[0];
    const format = file?.name.toLowerCase().endsWith('.csv') ? 'csv' : file?.name.toLowerCase().endsWith('.json') ? 'json' : null;
    const problem = !file ? 'Choose an ESR file' : !format ? 'The file must be a .json or .csv file' : null;
    setFileError(problem);
    if (problem || !file || !format) {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    void file.text().then((content) =>
      importFile.mutate({ body: { format, content } }, { onError: () => requestAnimationFrame(() => summaryRef.current?.focus()) }),
    );
  };

  const errors = [...(fileError ? [{ text: fileError, href: `#${FILE_ID}` }] : []), ...(importFile.error ? [{ text: importFile.error.message }] : [])];
  const result = importFile.data;
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.requests)}>
        Back to requests
      </a>
      <PageHeading caption="Requests">Import an ESR file</PageHeading>
      <ErrorSummary ref={summaryRef} errors={errors} />
      {result && (
        <div className="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="imported-title">
          <div className="nhsuk-notification-banner__header">
            <h2 className="nhsuk-notification-banner__title" id="imported-title">
              Success
            </h2>
          </div>
          <div className="nhsuk-notification-banner__content">
            <p className="nhsuk-notification-banner__heading">{`${result.imported} ESR request${result.imported === 1 ? '' : 's'} imported`}</p>
            {result.duplicates > 0 && <p className="nhsuk-body">{`${result.duplicates} had been imported before and ${result.duplicates === 1 ? 'was' : 'were'} ignored.`}</p>}
            <p className="nhsuk-body">
              <a href={hrefOf(`${CIM_PATHS.requests}?kind=esr`)}>See the ESR requests</a>
            </p>
          </div>
        </div>
      )}
      <p>ESR files hold create-user and modify-user requests, as a JSON array of records or as CSV with a header row. Every record is checked first: if one is not valid, nothing is imported.</p>
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${fileError ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label nhsuk-label--s" htmlFor={FILE_ID}>
            ESR file
          </label>
          <div className="nhsuk-hint" id={`${FILE_ID}-hint`}>
            A .json or .csv file
          </div>
          {fileError && <ErrorMessage id={`${FILE_ID}-error`}>{fileError}</ErrorMessage>}
          <input
            className="nhsuk-file-upload"
            id={FILE_ID}
            name="file"
            type="file"
            accept=".json,.csv,application/json,text/csv"
            ref={fileRef}
            aria-describedby={`${FILE_ID}-hint${fileError ? ` ${FILE_ID}-error` : ''}`}
          />
        </div>
        <button className="nhsuk-button" type="submit" disabled={importFile.isPending}>
          Import file
        </button>
      </form>
      <LiveStatus className="nhsuk-body" message={importFile.isPending ? 'Checking and importing the file…' : ''} />
    </>
  );
}
