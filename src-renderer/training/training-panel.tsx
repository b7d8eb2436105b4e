import { useState } from 'react';
import type { AgentState } from '../../src-shared/api/agent-api.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';
import { TrainingOutbox } from './training-outbox.js';

// Training mode's virtual cards, and the outbox of what the training service sent. Visible
// button text stays short ("Insert into reader 1"); the accessible name adds the persona so
// screen-reader users hear which card a button is for, and it starts with the visible words so
// voice control still finds it (WCAG 2.5.3, label in name): "Insert into reader 1 (Clinician:
// Amelia Hart)".

type Training = NonNullable<AgentState['training']>;
type Persona = Training['personas'][number];

export function TrainingPanel({ training }: { training: Training }) {
  const client = useAgentClient();
  const [problem, setProblem] = useState<string | null>(null);
  const readerLabel = (reader: string): string => {
    const index = training.readers.indexOf(reader);
    return index >= 0 ? `reader ${index + 1}` : reader;
  };

  const act = (call: Promise<unknown>): void => {
    setProblem(null);
    call.catch((error: unknown) => setProblem(toAgentCallError(error).message));
  };

  return (
    <section className="app-training-panel" aria-labelledby="training-panel-heading">
      <h2 className="nhsuk-heading-m" id="training-panel-heading">
        Training cards
      </h2>
      <p>Practice smartcards for training mode. Their passcodes work on these cards only.</p>
      {training.apps.length > 0 && <TrainingApps apps={training.apps} />}
      <p>
        Blank cards are for practising &quot;Issue a smartcard&quot; in reader 2. &quot;Delete certificate&quot; damages a card as a broken one is damaged, to
        practise &quot;Repair a smartcard&quot;.
      </p>
      {problem && (
        <p className="nhsuk-error-message" role="alert">
          <span className="nhsuk-u-visually-hidden">Error: </span>
          {problem}
        </p>
      )}
      <ul className="nhsuk-list app-training-panel__list">
        {training.personas.map((persona) => (
          <li className="app-training-panel__persona" key={persona.key}>
            <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">{persona.role}</h3>
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">{persona.name}</p>
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
              {persona.passcode === null ? (
                'Passcode: the one chosen when the card was issued'
              ) : (
                <>
                  Training passcode: <span className="app-code">{persona.passcode}</span>
                </>
              )}
            </p>
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
              {persona.insertedIn ? `In ${readerLabel(persona.insertedIn)}` : 'Not in a reader'}
            </p>
            <div className="nhsuk-button-group">
              {training.readers.map((reader) => (
                <button
                  key={reader}
                  type="button"
                  className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                  disabled={persona.insertedIn === reader}
                  aria-label={withPersona(`Insert into ${readerLabel(reader)}`, persona)}
                  onClick={() => act(client.invoke('training.insertCard', { persona: persona.key, reader }))}
                >
                  Insert into {readerLabel(reader)}
                </button>
              ))}
              {persona.insertedIn !== null && (
                <button
                  type="button"
                  className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                  aria-label={withPersona('Remove', persona)}
                  onClick={() => persona.insertedIn && act(client.invoke('training.removeCard', { reader: persona.insertedIn }))}
                >
                  Remove
                </button>
              )}
              <button
                type="button"
                className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                aria-label={withPersona('Delete certificate', persona)}
                onClick={() => act(client.invoke('training.damageCard', { persona: persona.key }))}
              >
                Delete certificate
              </button>
            </div>
          </li>
        ))}
      </ul>
      <TrainingOutbox outbox={training.outbox} />
    </section>
  );
}

/** The training relying parties: signed in here by card, "Sign in" there goes straight through. */
function TrainingApps({ apps }: { apps: Training['apps'] }) {
  return (
    <>
      <p>Sign in to other apps with your smartcard session (single sign-on); removing the card signs you out of them.</p>
      <ul className="nhsuk-list">
        {apps.map((app) => (
          <li key={app.url}>
            <a className="nhsuk-link" href={app.url} target="_blank" rel="noreferrer">
              Open the {app.name}
              <span className="nhsuk-u-visually-hidden"> (opens in a new tab)</span>
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

function withPersona(visible: string, persona: Persona): string {
  return `${visible} (${persona.role}: ${persona.name})`;
}
