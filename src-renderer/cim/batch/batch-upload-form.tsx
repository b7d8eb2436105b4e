import { useEffect, useRef, useState, type FormEvent } from 'react';
import { BATCH_MAX_CHARS, type BatchReport } from '../../../src-shared/api/cim-batch.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { PageHeading } from '../../components/page-heading.js';
import { useServiceMutation } from '../../api/service-query.js';
import { BatchFileFormat } from './batch-file-format.js';

// Step 1: choose the file and send it to be checked. What can be told before sending (no file,
// not a CSV, too large, not UTF-8) is told here; the rest comes from the service's check.

const FILE_ID = 'batch-file';
const NOT_UTF8 = 'The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8 (comma delimited)" and choose it again.';

/** The file's text, or what is wrong with it, in the user's words. */
async function readCsv(file: File | undefined): Promise<{ text: string } | { problem: string }> {
  if (!file) return { problem: 'Choose a CSV file to upload' };
  if (!/\.csv$/i.test(file.name)) return { problem: 'The file must be a CSV file (its name ends in .csv)' };
  if (file.size === 0) return { problem: 'The file is empty' };
  if (file.size > BATCH_MAX_CHARS) return { problem: 'The file must be smaller than 3 MB. Split it into smaller files.' };
  try {
    // fatal: bytes that are not UTF-8 are refused rather than turned into replacement characters.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer()) };
  } catch {
    return { problem: NOT_UTF8 };
  }
}

export function BatchUploadForm({ title, onChecked }: { title: string; onChecked: (report: BatchReport, fileName: string) => void }) {
  const check = useServiceMutation('checkAssignmentBatch');
  const fileRef = useRef<HTMLInputElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const [reading, setReading] = useState(false);

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (message: string): void => {
    setProblem(message);
    setFailures((n) => n + 1);
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (reading || check.isPending) return;
    const file = fileRef.current?.files?.[0];
    setReading(true);
    void readCsv(file)
      .then((read) => {
        if ('problem' in read) return fail(read.problem);
        const fileName = (file as File).name;
        setProblem(null);
        check.mutate({ body: { csv: read.text, fileName } }, { onSuccess: (report) => onChecked(report, fileName), onError: (error) => fail(error.message) });
      })
      .finally(() => setReading(false));
  };

  const busy = reading || check.isPending;
  const describedBy = [`${FILE_ID}-hint`, ...(problem ? [`${FILE_ID}-error`] : [])].join(' ');
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={problem ? [{ text: problem, href: `#${FILE_ID}` }] : []} />
      <p>Add, change or remove position assignments for many users at once with a CSV file.</p>
      <p>Every row is checked first and nothing changes until you apply the file. Rows with problems are listed so you can correct them.</p>
      <BatchFileFormat />
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group nhsuk-file-upload${problem ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label nhsuk-label--m" htmlFor={FILE_ID}>
            Choose a CSV file
          </label>
          <div className="nhsuk-hint" id={`${FILE_ID}-hint`}>
            Up to 10,000 rows, saved as CSV UTF-8
          </div>
          {problem && <ErrorMessage id={`${FILE_ID}-error`}>{problem}</ErrorMessage>}
          <input
            className={`nhsuk-file-upload__input${problem ? ' nhsuk-file-upload__input--error' : ''}`}
            id={FILE_ID}
            name="batch-file"
            type="file"
            accept=".csv,text/csv"
            ref={fileRef}
            aria-describedby={describedBy}
          />
        </div>
        <LiveStatus className="nhsuk-body" message={busy ? 'Checking every row of the file…' : ''} />
        <button className="nhsuk-button" type="submit" disabled={busy}>
          Upload and check
        </button>
      </form>
    </>
  );
}
