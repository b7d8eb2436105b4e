import { useEffect, useState } from 'react';

// A polite live region (role "status") that is on the page, empty, before its words go in.
// Screen readers announce changes to a region they already know about: one that arrives with
// its words already in it, as a new page does, is often not read at all. Likewise words that
// replace the same words are no change, so each new `message`, or a new `occasion` for the same
// message, first empties the region and fills it a moment later.

/** Long enough for the browser to tell assistive technology the region is empty. */
const FILL_DELAY_MS = 150;

export interface LiveStatusProps {
  /** What to announce; empty for nothing. */
  readonly message: string;
  /** Changes when the same message should be announced again (a second code sent, say). */
  readonly occasion?: string | number;
  readonly className?: string;
}

export function LiveStatus({ message, occasion, className }: LiveStatusProps) {
  const [shown, setShown] = useState('');
  useEffect(() => {
    // Emptying the region first is what makes the new words heard (see above).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setShown('');
    if (message === '') return;
    const timer = setTimeout(() => setShown(message), FILL_DELAY_MS);
    return () => clearTimeout(timer);
  }, [message, occasion]);
  return (
    <div role="status" className={className}>
      {shown}
    </div>
  );
}
