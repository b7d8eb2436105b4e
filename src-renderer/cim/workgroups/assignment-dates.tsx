import { useState } from 'react';
import { DateInput } from '../../components/date-input.js';
import { partsOf, readDateParts, todayUtc, type DateParts } from '../../components/date-parts.js';
import type { Problem } from './workgroup-ui.js';

// The start and end dates of a workgroup assignment, as two NHS date inputs, checked as the
// service checks them (start today or later unless kept as it was; end not before start or today).

const START_DATE = 'assignment-start';
const END_DATE = 'assignment-end';

type Read = { readonly ok: true; readonly startDate: string; readonly endDate: string | null } | { readonly ok: false; readonly problems: Problem[] };

export function useAssignmentDates(initial: { startDate: string | null; endDate: string | null }) {
  const [start, setStart] = useState<DateParts>(partsOf(initial.startDate));
  const [end, setEnd] = useState<DateParts>(partsOf(initial.endDate));

  const read = (): Read => {
    const today = todayUtc();
    const problems: Problem[] = [];
    const startRead = readDateParts(start, 'Start date', true);
    const endRead = readDateParts(end, 'End date', false);
    if (!startRead.ok) problems.push({ field: START_DATE, message: startRead.message });
    else if (startRead.iso !== null && startRead.iso < today && startRead.iso !== initial.startDate) problems.push({ field: START_DATE, message: 'Start date must be today or in the future' });
    if (!endRead.ok) problems.push({ field: END_DATE, message: endRead.message });
    else if (endRead.iso !== null && startRead.ok && startRead.iso !== null && endRead.iso < startRead.iso) problems.push({ field: END_DATE, message: 'End date must be the same as or after the start date' });
    else if (endRead.iso !== null && endRead.iso < today) problems.push({ field: END_DATE, message: 'End date must be today or in the future' });
    if (problems.length > 0 || !startRead.ok || startRead.iso === null || !endRead.ok) return { ok: false, problems };
    return { ok: true, startDate: startRead.iso, endDate: endRead.iso };
  };

  const fields = (errorOf: (field: string) => string | null) => (
    <>
      <DateInput id={START_DATE} legend="Start date" hint="For example, 15 3 2026" value={start} error={errorOf(START_DATE)} onChange={setStart} />
      <DateInput id={END_DATE} legend="End date (optional)" hint="Leave empty for no end date" value={end} error={errorOf(END_DATE)} onChange={setEnd} />
    </>
  );
  return { read, fields };
}
