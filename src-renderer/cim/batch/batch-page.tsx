import { useState } from 'react';
import type { BatchReport as Report, BatchResult } from '../../../src-shared/api/cim-batch.js';
import { grantFor } from '../../../src-shared/domain/roles.js';
import { InsetText } from '../../components/callouts.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { BatchApplied } from './batch-applied.js';
import { BatchReportView } from './batch-report.js';
import { BatchUploadForm } from './batch-upload-form.js';

// "Batch manage position assignments" (RAM, RAA(A)): choose a CSV file -> Upload and check ->
// the report (what can be applied, each refused row) -> Apply N changes -> the outcome, with
// the result file to download. The file is read here and sent as text through the agent; the
// service checks and applies it (and decides who may).

const TITLE = 'Batch manage position assignments';

type Stage =
  | { readonly step: 'choose' }
  | { readonly step: 'report'; readonly report: Report; readonly fileName: string }
  | { readonly step: 'applied'; readonly report: Report; readonly fileName: string; readonly result: BatchResult };

export function BatchPage() {
  const session = useCimSession();
  const [stage, setStage] = useState<Stage>({ step: 'choose' });
  const restart = (): void => setStage({ step: 'choose' });

  if (grantFor(session.position.roles, 'batch-manage-assignments') === undefined) {
    return (
      <>
        <PageHeading>{TITLE}</PageHeading>
        <InsetText>
          <p>Only Registration Authority Managers and Advanced Registration Authority Agents can manage position assignments in batches.</p>
        </InsetText>
        <p>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.home)}>
            Back to Care Identity Management
          </a>
        </p>
      </>
    );
  }

  if (stage.step === 'report') {
    return (
      <BatchReportView
        key={stage.report.batchId}
        title={TITLE}
        report={stage.report}
        fileName={stage.fileName}
        onApplied={(result) => setStage({ ...stage, step: 'applied', result })}
        onRestart={restart}
      />
    );
  }
  if (stage.step === 'applied') return <BatchApplied key={stage.report.batchId} result={stage.result} onRestart={restart} />;
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <BatchUploadForm title={TITLE} onChecked={(report, fileName) => setStage({ step: 'report', report, fileName })} />
    </>
  );
}
