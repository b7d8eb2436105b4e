import { describe, expect, it } from 'vitest';
import { addDaysIso, readDate } from '../../../src-renderer/cim/positions/date-parts.js';

// The start date of access positions, as typed into the NHS date input: its problems in words.

const TODAY = '2026-03-15';
const read = (day: string, month: string, year: string) => readDate({ day, month, year }, 'Start date', TODAY);

describe('the start date boxes', () => {
  it('rule: each problem is said in words, naming the date', () => {
    expect(read('', '', '')).toEqual({ problem: 'Enter the start date' });
    expect(read('1', '', '2026')).toEqual({ problem: 'Start date must include a month' });
    expect(read('', '', '2026')).toEqual({ problem: 'Start date must include a day and a month' });
    expect(read('31', '2', '2027')).toEqual({ problem: 'Start date must be a real date' });
    expect(read('1', 'March', '2027')).toEqual({ problem: 'Start date must be a real date' });
    expect(read('1', '3', '27')).toEqual({ problem: 'Start date must be a real date' });
    expect(read('14', '3', '2026')).toEqual({ problem: 'Start date must be today or in the future' });
  });

  it('rule: a real date from today on is read as the ISO date the service takes', () => {
    expect(read('15', '3', '2026')).toEqual({ date: '2026-03-15' });
    expect(read(' 29 ', '02', '2028')).toEqual({ date: '2028-02-29' });
  });

  it('rule: the fixed end date is 365 days on, across a leap day', () => {
    expect(addDaysIso('2027-06-01', 365)).toBe('2028-05-31');
  });
});
