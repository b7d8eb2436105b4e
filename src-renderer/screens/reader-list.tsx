import type { AgentState } from '../../src-shared/api/agent-api.js';

type Reader = AgentState['readers'][number];

/** What each reader holds, so a user with two readers can see which one the app is watching. */
export function ReaderList({ readers }: { readers: readonly Reader[] }) {
  if (readers.length === 0) return null;
  return (
    <>
      <h2 className="nhsuk-heading-s">Smartcard readers</h2>
      <ul className="nhsuk-list nhsuk-list--bullet">
        {readers.map((reader) => (
          <li key={reader.name}>
            {reader.name}: {describeReaderCard(reader)}
          </li>
        ))}
      </ul>
    </>
  );
}

function describeReaderCard(reader: Reader): string {
  if (!reader.card) return 'no smartcard';
  const holder = reader.card.holderName ? `smartcard of ${reader.card.holderName}` : 'a smartcard';
  return reader.card.inSession ? `${holder} (signed in)` : holder;
}
