// Times in messages people read (a notice, a refusal): UK clock time, the way staff read it,
// whatever the server's own time zone.

const UK_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const UK_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });

/** "14:05 on 16 June 2025" (UK time). */
export function ukTimeOnDate(at: Date): string {
  return `${UK_TIME.format(at)} on ${UK_DATE.format(at)}`;
}
