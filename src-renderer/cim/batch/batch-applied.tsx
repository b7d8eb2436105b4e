import { useState } from 'react';
import type { BatchResult } from '../../../src-shared/api/cim-batch.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { plural } from '../../format/dates.js';
import { useServiceMutation } from '../../api/service-query.js';
import { saveTextFile } from './save-text-file.js';

// Step 3: the batch is applied. The result file repeats every row with its outcome (added,
// changed, removed, skipped, not applied) and why.

export function BatchApplied({ result, onRestart }: { result: BatchResult; onRestart: () => void }) {
  const download = useServiceMutation('assignmentBatchResult');
  const [problem, setProblem] = useState<string | null>(null);
  const save = (): void => {
    setProblem(null);
    download.mutate(
      { params: { batchId: result.batchId } },
      { onSuccess: (file) => saveTextFile(file.fileName, file.csv), onError: (error) => setProblem(error.message) },
    );
  };
  return (
    <>
      <div className="nhsuk-panel">
        <PageHeading className="nhsuk-panel__title">Changes applied</PageHeading>
        <div className="nhsuk-panel__body">{`${plural(result.applied, 'change')} applied`}</div>
      </div>
      <ErrorSummary errors={problem ? [{ text: problem }] : []} />
      <SummaryList
        rows={[
          { key: 'Applied', value: String(result.applied) },
          { key: 'Skipped (rows with problems)', value: String(result.skipped) },
          ...(result.notApplied > 0 ? [{ key: 'Not applied (changed since the check)', value: String(result.notApplied) }] : []),
        ]}
      />
      {result.notApplied > 0 && (
        <p>{`${plural(result.notApplied, 'row')} could not be applied because the directory changed after the file was checked. The result file says why.`}</p>
      )}
      <p>The result file lists every row of your file with what happened to it.</p>
      <div className="nhsuk-button-group">
        <button className="nhsuk-button" type="button" onClick={save} disabled={download.isPending}>
          Download the result (CSV)
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onRestart}>
          Upload another file
        </button>
      </div>
    </>
  );
}
