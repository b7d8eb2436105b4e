import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ReportId, reportDefinition, type ReportDefinition, type ReportFilterField } from '../../../src-shared/api/cim-reports.js';
import { useServiceQuery } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { checkFilters, REPORT_PAGE_SIZE, searchOf, viewOf, type ReportView } from './report-address.js';
import { ReportExport } from './report-export.js';
import { ReportPagination, ReportTable } from './report-table.js';
import { ReportsRefused } from './reports-list.js';

// One report: its filters (NHS form inputs), one page of rows in an NHS table with sortable
// columns and pagination, and "Export as CSV". What is shown lives in the address.

export function ReportPage() {
  const parsed = ReportId.safeParse(useParams()['reportId']);
  if (!parsed.success) {
    return (
      <>
        <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.reports)}>
          Back
        </a>
        <PageHeading>Report not found</PageHeading>
        <p className="nhsuk-body">There is no such report. Choose one from the list of reports.</p>
      </>
    );
  }
  return <ReportOf key={parsed.data} definition={reportDefinition(parsed.data)} />;
}

const fieldId = (name: string): string => `report-filter-${name}`;

function ReportOf({ definition }: { definition: ReportDefinition }) {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const view = viewOf(definition, search);
  const [values, setValues] = useState<Record<string, string>>(view.filters);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const summaryRef = useRef<HTMLDivElement>(null);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const go = (next: ReportView): void => {
    void navigate(`${CIM_PATHS.report(definition.id)}?${searchOf(next).toString()}`);
  };
  const query = { ...view.filters, sort: view.sort, direction: view.direction };
  const page = useServiceQuery('runReport', { params: { reportId: definition.id }, query: { ...query, page: String(view.page), pageSize: String(REPORT_PAGE_SIZE) } }, { placeholderData: (previous) => previous });

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const check = checkFilters(definition.id, values);
    if (!check.ok) {
      setErrors(check.errors);
      setFailures((n) => n + 1);
      return;
    }
    setErrors({});
    go({ ...view, filters: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')), page: 1 });
  };

  const sortBy = (column: string): void => {
    const direction = column === view.sort ? (view.direction === 'ascending' ? 'descending' : 'ascending') : 'ascending';
    go({ ...view, sort: column, direction, page: 1 });
  };

  const summary: ErrorItem[] = definition.filters.filter((f) => errors[f.name]).map((f) => ({ text: errors[f.name] as string, href: `#${fieldId(f.name)}` }));
  const data = page.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  const first = data && data.total > 0 ? (data.page - 1) * data.pageSize + 1 : 0;
  const last = data ? Math.min(data.total, data.page * data.pageSize) : 0;

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.reports)}>
        Back
      </a>
      <PageHeading caption="Reports">{definition.title}</PageHeading>
      <p className="nhsuk-body">{definition.description}</p>
      <ErrorSummary ref={summaryRef} errors={summary} />
      <form noValidate onSubmit={submit}>
        <fieldset className="nhsuk-fieldset">
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Filters</legend>
          {definition.filters.map((f) => (
            <FilterField key={f.name} field={f} value={values[f.name] ?? ''} error={errors[f.name]} onChange={(v) => setValues({ ...values, [f.name]: v })} />
          ))}
        </fieldset>
        <button className="nhsuk-button" type="submit">
          Show report
        </button>
      </form>
      {page.error && <ReportsRefused message={page.error.message} />}
      {page.isPending && (
        <p className="nhsuk-body" role="status">
          Loading the report…
        </p>
      )}
      {data && (
        <>
          <p className="nhsuk-body" role="status">
            {data.total === 0 ? 'No rows match these filters.' : `Showing rows ${first} to ${last} of ${data.total.toLocaleString('en-GB')}.`}
          </p>
          <ReportExport reportId={definition.id} query={query} />
          {data.total > 0 && <ReportTable caption={definition.title} columns={definition.columns} page={data} onSort={sortBy} />}
          <ReportPagination page={data.page} pages={pages} hrefFor={(p) => hrefOf(`${CIM_PATHS.report(definition.id)}?${searchOf({ ...view, page: p }).toString()}`)} />
        </>
      )}
    </>
  );
}

function FilterField({ field, value, error, onChange }: { field: ReportFilterField; value: string; error: string | undefined; onChange: (value: string) => void }) {
  const id = fieldId(field.name);
  const describedBy = [field.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {field.label}
      </label>
      {field.hint && (
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {field.hint}
        </div>
      )}
      {error && <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
      {field.kind === 'select' ? (
        <select className={`nhsuk-select${error ? ' nhsuk-select--error' : ''}`} id={id} value={value || (field.options?.[0]?.value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} aria-describedby={describedBy}>
          {field.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          className={`nhsuk-input ${field.kind === 'text' ? 'nhsuk-input--width-10' : 'nhsuk-input--width-10'}${error ? ' nhsuk-input--error' : ''}`}
          id={id}
          type={field.kind === 'date' ? 'date' : 'text'}
          inputMode={field.kind === 'number' ? 'numeric' : undefined}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          aria-describedby={describedBy}
        />
      )}
    </div>
  );
}
