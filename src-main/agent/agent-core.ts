import type { AgentState } from '../../src-shared/api/agent-api.js';
import { AGENT_CHANNELS, type AgentChannel } from '../../src-shared/api/agent-api.js';
import { CardError } from '../card/card-error.js';
import type { ReaderDriverEvents } from '../pcsc/reader-driver.js';
import { ServiceClient } from '../service-client/service-client.js';
import { WorkstationKey } from '../service-client/workstation-key.js';
import { ServiceRefusedError } from '../service-client/service-client-errors.js';
import { initialModel, type AgentModel } from './agent-model.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import {
  cardInserted,
  cardRead,
  cardRemoved,
  cardUnreadable,
  insertionIn,
  readerAdded,
  readerRemoved,
  serviceChanged,
  sessionEnded,
  trainingChanged,
} from './agent-transitions.js';
import { AgentFailure, type Agent, type AgentOptions } from './agent-types.js';
import { viewOf } from './agent-view.js';
import { readCard, UnusableCardError } from './card-facts.js';
import { callServiceForRenderer, findUsers, getProfile, myProfile } from './cim-actions.js';
import { cancelPasscode, choosePosition, lock, logout, submitPasscode } from './login-actions.js';
import { changePasscode } from './passcode-change.js';
import { changeOwnContact } from './contact-change.js';
import { beginSelfUnlock, sendSecurityCode, submitSecurityCode } from './unlock-self-actions.js';
import { beginServiceCard, confirmServiceCard, continueServiceCard, unlockServicedCard } from './service-card-actions.js';
import { closeUnlock, setUnlockPasscode } from './unlock-actions.js';
import { RememberedPositions } from './remembered-positions.js';
import { closeRenewal, startRenewal, submitRenewalPasscode } from './renewal-actions.js';
import { RenewalJournal } from './renewal-journal.js';
import { RENEWAL_MESSAGES } from './renewal-messages.js';
import { recoverCard } from './renewal-recovery.js';
import { serialOf } from './renewal-confirm.js';
import { renewServicedCard } from './service-card-renewal.js';
import { channelOf, parseRequest, type RequestOf } from './request-validation.js';
import { ReportExports } from './report-export.js';
import { SmartcardJobs } from './smartcard-jobs.js';
import { ServiceMonitor } from './service-monitor.js';
import { MobilityTimer, REAL_TIMERS } from './mobility-timer.js';
import { refreshSignIns, signOutOfApp } from './sign-ins-actions.js';
import { mobilityChecked, mobilityDueAt, sessionActive } from './mobility-transitions.js';
import { AppSignIns } from './app-sign-in.js';
import type { BridgeSignInAnswer, BridgeSignInRequest } from '../../src-shared/api/agent-bridge.js';

// The agent core: owns the model, feeds it reader events and the outcomes of card and service
// work, and publishes a new AgentState (version + 1) whenever what the renderer would see
// changes. Listeners are called synchronously, so a card pulled is on screen in the same tick.
// The reader driver belongs to whoever created it: the agent neither starts nor closes it.

const LOGOUT_ON_CLOSE_MS = 3000;

type Handlers = { [C in AgentChannel]: (request: RequestOf<C>) => unknown };

export class AgentCore implements Agent {
  private model: AgentModel;
  private published: AgentState;
  private publishedKey: string;
  private readonly listeners = new Set<(state: AgentState) => void>();
  private readonly pending = new Set<Promise<void>>();
  private readonly detach: (() => void)[] = [];
  private readonly runtime: AgentRuntime;
  private readonly monitor: ServiceMonitor;
  private readonly client: ServiceClient;
  private readonly journal: RenewalJournal;
  private readonly mobilityTimer: MobilityTimer;
  private readonly now: () => Date;
  private closed = false;
  private readonly closing = new AbortController();
  readonly reportExports: ReportExports;
  readonly smartcardJobs: SmartcardJobs;
  private readonly appSignIns: AppSignIns;

  constructor(private readonly options: AgentOptions) {
    const now = options.now ?? (() => new Date());
    this.now = now;
    this.client = new ServiceClient(options.serviceUrl, { key: WorkstationKey.loadOrCreate(options.dataDir), now });
    this.monitor = new ServiceMonitor({
      probe: () => this.probe(),
      onStatus: (status) => this.apply((m) => serviceChanged(m, status)),
      ...options.serviceMonitor,
    });
    this.journal = new RenewalJournal(options.dataDir, now);
    this.runtime = {
      options,
      client: this.client,
      monitor: this.monitor,
      remembered: new RememberedPositions(options.dataDir),
      journal: this.journal,
      model: () => this.model,
      apply: (change) => this.apply(change),
      endRemotely: (token) => this.endRemotely(token),
      closing: this.closing.signal,
      now,
    };
    this.reportExports = new ReportExports(this.runtime);
    this.smartcardJobs = new SmartcardJobs(this.runtime);
    this.mobilityTimer = new MobilityTimer({
      timers: options.timers ?? REAL_TIMERS,
      now,
      due: () => mobilityDueAt(this.model),
      check: (at) => this.apply((m) => mobilityChecked(m, at)),
    });
    this.appSignIns = new AppSignIns(this.runtime);
    this.model = { ...initialModel(options.removalMode, options.signInStyle, options.mobility), training: options.training?.view() ?? null };
    const view = viewOf(this.model);
    this.publishedKey = JSON.stringify(view);
    this.published = { version: 0, ...view };
  }

  /** Subscribes to the readers and the training panel, takes in what is there already, and contacts the service. */
  start(): void {
    const readers = this.options.readers;
    const on = <K extends keyof ReaderDriverEvents>(event: K, listener: (...args: ReaderDriverEvents[K]) => void): void => {
      readers.on(event, listener as never);
      this.detach.push(() => readers.off(event, listener as never));
    };
    on('reader-added', (name) => this.apply((m) => readerAdded(m, name)));
    on('reader-removed', (name) => this.apply((m) => readerRemoved(m, name)));
    on('card-inserted', (name) => this.cardIn(name));
    on('card-removed', (name) => this.apply((m) => cardRemoved(m, name)));
    const training = this.options.training;
    if (training) this.detach.push(training.onChange(() => this.apply((m) => trainingChanged(m, training.view()))));
    for (const r of readers.readers()) {
      this.apply((m) => readerAdded(m, r.name));
      if (r.cardPresent) this.cardIn(r.name);
    }
    this.monitor.start();
  }

  state(): AgentState {
    return this.published;
  }

  onState(listener: (state: AgentState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async handle(channel: string, payload: unknown): Promise<unknown> {
    const name = channelOf(channel);
    if (this.closed) throw new AgentFailure('not-now', 'The Identity Agent is shutting down.');
    const request = parseRequest(name, payload);
    if (name !== 'agent.getState') {
      // Mobility: a session whose card is due locks before the request is looked at (the timer
      // may be late after a sleep); any other request is the session in use.
      const at = this.now().getTime();
      this.apply((m) => sessionActive(mobilityChecked(m, at), at));
    }
    let result: unknown;
    try {
      result = await (this.handlers[name] as (r: unknown) => unknown)(request);
    } catch (err) {
      if (err instanceof AgentFailure) throw err;
      throw new AgentFailure('internal', MESSAGES.internal);
    }
    const checked = AGENT_CHANNELS[name].response.safeParse(result);
    if (!checked.success) throw new AgentFailure('internal', MESSAGES.internal);
    return checked.data;
  }

  /** An app's sign-in page, through the bridge: signs the session's holder in to it (app-sign-in.ts). */
  async signInForApp(request: BridgeSignInRequest): Promise<BridgeSignInAnswer> {
    if (this.closed) return { outcome: 'refused', message: 'The Identity Agent is shutting down.' };
    return this.appSignIns.signIn(request);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    this.mobilityTimer.stop();
    this.appSignIns.close();
    for (const off of this.detach.splice(0)) off();
    this.monitor.close();
    const token = this.model.session?.token;
    if (token) this.endRemotely(token);
    const waiting = Promise.all([...this.pending]);
    await Promise.race([waiting, new Promise((r) => setTimeout(r, LOGOUT_ON_CLOSE_MS).unref())]);
    this.listeners.clear();
    this.journal.close();
  }

  private readonly handlers: Handlers = {
    'agent.getState': () => this.published,
    'agent.submitPasscode': async (r) => {
      await submitPasscode(this.runtime, r.passcode);
      return { ok: true };
    },
    'agent.cancelPasscode': () => {
      cancelPasscode(this.runtime);
      return { ok: true };
    },
    'agent.choosePosition': async (r) => {
      await choosePosition(this.runtime, r.positionId, r.remember);
      return { ok: true };
    },
    'agent.lock': () => {
      lock(this.runtime);
      return { ok: true };
    },
    'agent.logout': () => {
      logout(this.runtime);
      return { ok: true };
    },
    'agent.changePasscode': async (r) => {
      await changePasscode(this.runtime, r);
      return { ok: true };
    },
    'unlock.begin': () => {
      beginSelfUnlock(this.runtime);
      return { ok: true };
    },
    'unlock.sendCode': async (r) => {
      await sendSecurityCode(this.runtime, r.channel);
      return { ok: true };
    },
    'unlock.submitCode': async (r) => {
      await submitSecurityCode(this.runtime, r.code);
      return { ok: true };
    },
    'unlock.setPasscode': async (r) => {
      await setUnlockPasscode(this.runtime, r);
      return { ok: true };
    },
    'unlock.close': () => {
      closeUnlock(this.runtime);
      return { ok: true };
    },
    'serviceCard.begin': () => {
      beginServiceCard(this.runtime);
      return { ok: true };
    },
    'serviceCard.continue': async () => {
      await continueServiceCard(this.runtime);
      return { ok: true };
    },
    'serviceCard.unlock': async () => {
      await unlockServicedCard(this.runtime);
      return { ok: true };
    },
    'serviceCard.confirm': () => {
      confirmServiceCard(this.runtime);
      return { ok: true };
    },
    'serviceCard.renew': async () => {
      await renewServicedCard(this.runtime);
      return { ok: true };
    },
    'renewal.start': () => {
      startRenewal(this.runtime);
      return { ok: true };
    },
    'renewal.submitPasscode': async (r) => {
      await submitRenewalPasscode(this.runtime, r.passcode);
      return { ok: true };
    },
    'renewal.close': () => {
      closeRenewal(this.runtime);
      return { ok: true };
    },
    'cim.findUsers': (r) => findUsers(this.runtime, r),
    'cim.getProfile': (r) => getProfile(this.runtime, r.uuid),
    'cim.myProfile': () => myProfile(this.runtime),
    'cim.changeOwnContact': (r) => changeOwnContact(this.runtime, r),
    'service.call': (r) => callServiceForRenderer(this.runtime, r),
    'report.export': (r) => this.reportExports.prepare(r),
    'report.exportProgress': (r) => this.reportExports.progress(r.exportId),
    'smartcard.inspect': () => this.smartcardJobs.inspect(),
    'smartcard.issue': (r) => this.smartcardJobs.issue(r),
    'smartcard.repair': (r) => this.smartcardJobs.repair(r),
    'smartcard.clear': (r) => this.smartcardJobs.clear(r),
    'smartcard.progress': (r) => this.smartcardJobs.progress(r.jobId),
    'signIns.list': () => refreshSignIns(this.runtime),
    'signIns.signOut': (r) => signOutOfApp(this.runtime, r.signInId),
    'training.insertCard': (r) => {
      const training = this.trainingCards();
      guardTraining(() => training.insert(r.persona, r.reader));
      return { ok: true };
    },
    'training.removeCard': (r) => {
      const training = this.trainingCards();
      guardTraining(() => training.remove(r.reader));
      return { ok: true };
    },
    'training.damageCard': (r) => {
      const training = this.trainingCards();
      guardTraining(() => training.damageCertificate(r.persona));
      return { ok: true };
    },
  };

  private trainingCards(): NonNullable<AgentOptions['training']> {
    const training = this.options.training;
    if (!training) throw new AgentFailure('not-now', 'Training mode is not on.');
    return training;
  }

  /**
   * The service check, first and then now and then: while signed in it asks about the session
   * itself, so a session the service has ended (expired, card revoked) ends here too, without
   * waiting for the next CIM call.
   */
  private async probe(): Promise<void> {
    const session = this.model.session;
    if (!session || session.locked) return this.client.health();
    try {
      await this.client.session(session.token);
    } catch (err) {
      if (!(err instanceof ServiceRefusedError && err.status === 401)) throw err;
      const token = session.token;
      this.apply((m) => (m.session?.token === token ? sessionEnded(m, { dismissCard: false, notice: MESSAGES.sessionEnded }) : m));
    }
  }

  private cardIn(reader: string): void {
    const next = this.apply((m) => cardInserted(m, reader));
    const insertion = insertionIn(next, reader);
    if (insertion !== undefined) void this.read(reader, insertion);
  }

  private async read(reader: string, insertion: number): Promise<void> {
    try {
      const reading = await readCard(this.options.readers, reader);
      const { cardUuid } = reading.facts;
      const unfinished = this.journal.unfinished(cardUuid);
      // A key that does not match its certificate: a renewal was cut short; it is finished first.
      const recovery =
        reading.keyMatches === false ? { progress: unfinished ? RENEWAL_MESSAGES.progressUnfinished : RENEWAL_MESSAGES.progressRecovering } : undefined;
      if (!recovery && unfinished && unfinished.oldSerial === serialOf(reading.facts.certificate)) {
        // Stopped before the card changed: the card is as it was, nothing to finish.
        this.journal.record({ cardUuid, mode: unfinished.mode, step: 'abandoned', oldSerial: unfinished.oldSerial });
      }
      const next = this.apply((m) => cardRead(m, reader, insertion, reading.facts, reading.attemptsRemaining, recovery));
      const flow = next.renewal;
      if (recovery && flow?.mode === 'recovery' && flow.reader === reader && flow.insertion === insertion && flow.renewalId === null) this.track(recoverCard(this.runtime, flow.id));
    } catch (err) {
      // Gone already: the removal event says so.
      if (err instanceof CardError && (err.code === 'card-removed' || err.code === 'reader-unavailable')) return;
      const message = err instanceof UnusableCardError || err instanceof CardError ? err.message : MESSAGES.unreadable;
      this.apply((m) => cardUnreadable(m, reader, insertion, message));
    }
  }

  private apply(change: (m: AgentModel) => AgentModel): AgentModel {
    if (this.closed) return this.model;
    const before = this.model;
    const after = change(before);
    if (after === before) return before;
    this.model = after;
    // A session can only leave the model one way: with its token sent to the service to end.
    const ended = before.session?.token;
    if (ended !== undefined && after.session?.token !== ended) this.endRemotely(ended);
    this.mobilityTimer.reschedule();
    this.publish();
    return after;
  }

  private publish(): void {
    const view = viewOf(this.model);
    const key = JSON.stringify(view);
    if (key === this.publishedKey) return;
    this.publishedKey = key;
    this.published = { version: this.published.version + 1, ...view };
    for (const listener of [...this.listeners]) {
      try {
        listener(this.published);
      } catch {
        // One broken listener must not stop the others, or the agent.
      }
    }
  }

  /** Work the agent started itself: close() waits for it (a while). */
  private track(work: Promise<void>): void {
    const done = work.catch(() => undefined);
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  private endRemotely(token: string): void {
    const done = this.monitor
      .track(this.client.logout(token))
      .then(() => undefined)
      .catch(() => undefined);
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }
}

function guardTraining(action: () => void): void {
  try {
    action();
  } catch (err) {
    // Training mode speaks AgentFailure itself; anything else is a request it could not follow.
    if (err instanceof AgentFailure) throw err;
    throw new AgentFailure('bad-request', err instanceof Error ? err.message : 'That training card cannot be used there.');
  }
}
