import { todayUtc } from '../../components/date-parts.js';
import { saveTextFile } from './save-text-file.js';
import { batchExampleCsv } from './batch-example.js';

// What a batch file must hold, on the page where it is chosen (the same rules as
// src-service/cim/BATCH-CSV.md), with an example file to start from.

const COLUMNS: readonly [string, string][] = [
  ['action', 'Required: add, change or remove.'],
  ['user_uuid', "The user's UUID. Give this or ni_number."],
  ['ni_number', "The user's National Insurance number."],
  ['position_id', 'The position id. Give this, or ods_code and position_title.'],
  ['ods_code', "The ODS code of the position's organisation."],
  ['position_title', 'The title of the position at that organisation.'],
  ['start_date', 'DD/MM/YYYY. Needed to add: not in the past. To change: the new start date.'],
  ['end_date', "DD/MM/YYYY. To add: leave empty for the position's fixed term of 365 days. To change: the new end date."],
];

export function BatchFileFormat() {
  const downloadExample = (): void => saveTextFile('batch-example.csv', batchExampleCsv(todayUtc()));
  return (
    <details className="nhsuk-details">
      <summary className="nhsuk-details__summary">
        <span className="nhsuk-details__summary-text">What the file must contain</span>
      </summary>
      <div className="nhsuk-details__text">
        <p>
          A CSV file saved as UTF-8 (in Excel, &quot;CSV UTF-8 (comma delimited)&quot;), of up to 10,000 rows. The first row names the columns, in any
          order. Each row after it is one change for one user and one position.
        </p>
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-table__caption--s">Columns</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="col">
                Heading
              </th>
              <th className="nhsuk-table__header" scope="col">
                What to put in it
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {COLUMNS.map(([heading, meaning]) => (
              <tr className="nhsuk-table__row" key={heading}>
                <td className="nhsuk-table__cell">
                  <code>{heading}</code>
                </td>
                <td className="nhsuk-table__cell">{meaning}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ul className="nhsuk-list nhsuk-list--bullet">
          <li>add: gives the user the position from the start date.</li>
          <li>change: sets new dates on the user&apos;s current assignment to the position.</li>
          <li>remove: removes the user&apos;s current assignment to the position today. Leave the dates empty.</li>
          <li>Each user and position may appear once in a file. No cell may start with =, +, - or @.</li>
          <li>Problems are reported by row number, counting the heading row as row 1.</li>
        </ul>
        <p>
          <button className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="button" onClick={downloadExample}>
            Download an example file
          </button>
        </p>
      </div>
    </details>
  );
}
