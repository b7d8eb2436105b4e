import type { AgentState } from '../../src-shared/api/agent-api.js';
import { PageHeading } from '../components/page-heading.js';
import { ReaderList } from './reader-list.js';

// The screens before a passcode is asked for: no reader, no card, reading, unreadable card.

type Readers = AgentState['readers'];

export function NoReadersScreen() {
  return (
    <>
      <PageHeading>No smartcard reader</PageHeading>
      <p>Connect a smartcard reader to this computer. This page updates by itself when the reader is found.</p>
      <p>If a reader is connected, unplug it and plug it in again. If that does not help, contact your IT service desk.</p>
    </>
  );
}

export function NoCardScreen({ readers }: { readers: Readers }) {
  return (
    <>
      <PageHeading>Insert your smartcard</PageHeading>
      <p>Insert your smartcard into the reader to log in.</p>
      <ReaderList readers={readers} />
    </>
  );
}

export function ReadingCardScreen({ reader }: { reader: string }) {
  return (
    <>
      <PageHeading>Reading your smartcard</PageHeading>
      <p>Keep your smartcard in {reader} while it is read. This takes a few seconds.</p>
    </>
  );
}

export function CardErrorScreen({ reader, message }: { reader: string; message: string }) {
  return (
    <>
      <PageHeading>Your smartcard cannot be read</PageHeading>
      <p>{message}</p>
      <p>
        Remove your smartcard from {reader} and insert it again. If this keeps happening, contact your IT service desk.
      </p>
    </>
  );
}
