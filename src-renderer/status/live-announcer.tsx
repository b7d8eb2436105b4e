import { useEffect, useRef, useState } from 'react';
import type { AgentSnapshot } from '../api/agent-client.js';
import { describeConnectionChange, describeStateChange } from './state-announcements.js';

// One polite live region, present from the first render (a region added later is often not
// read), announcing changes that happen without the user moving.

export function LiveAnnouncer({ snapshot }: { snapshot: AgentSnapshot }) {
  const previous = useRef<AgentSnapshot | null>(null);
  const [message, setMessage] = useState('');

  useEffect(() => {
    const before = previous.current;
    previous.current = snapshot;
    if (!before) return;
    const said: string[] = [];
    if (snapshot.state && snapshot.state !== before.state) said.push(...describeStateChange(before.state, snapshot.state));
    const link = describeConnectionChange(before.connection, snapshot.connection);
    if (link) said.push(link);
    // The announcement follows from comparing with the last snapshot, which only an effect sees.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (said.length > 0) setMessage(said.join(' '));
  }, [snapshot]);

  return (
    <div className="nhsuk-u-visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  );
}
