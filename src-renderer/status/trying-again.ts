import { plural } from '../format/dates.js';

export function tryingAgainIn(seconds: number): string {
  return seconds > 0 ? `Trying again in ${plural(seconds, 'second')}.` : 'Trying again now.';
}
