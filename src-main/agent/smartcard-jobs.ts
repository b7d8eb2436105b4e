import { randomBytes } from 'node:crypto';
import type { AgentRequest, AgentResult, SmartcardJobProgress } from '../../src-shared/api/agent-api.js';
import type { SmartcardJobKind } from './smartcard-messages.js';
import { isBlankReadout, type CardReadout } from '../../src-shared/api/cim-cards.js';
import { newPasscodeProblems } from '../../src-shared/domain/passcode-change.js';
import { grantFor } from '../../src-shared/domain/roles.js';
import { wipe } from '../card/bytes.js';
import { ServiceUnreachableError } from '../service-client/service-client-errors.js';
import type { SessionModel } from './agent-model.js';
import { MESSAGES } from './agent-messages.js';
import type { AgentRuntime } from './agent-runtime.js';
import { AgentFailure } from './agent-types.js';
import { CardNoLongerBlankError, clearCard } from './card-clear.js';
import { CardNotBlankError, issueCard } from './card-issue.js';
import { readCardReadout } from './card-readout.js';
import { repairCard } from './card-repair.js';
import { outcomeOfError, type FlowTerms } from './outcome-of-error.js';
import { RenewalCertificateMismatchError } from './renewal-card.js';
import { SmartcardJournal, type SmartcardStep } from './smartcard-journal.js';
import { KIND_ACTIVITY, SMARTCARD_MESSAGES as M, STAGE_WORDS } from './smartcard-messages.js';
import { issueRelay, serviceKeyRelay, type RelayContext } from './smartcard-relay.js';

// The smartcard lifecycle pages' card operations (issue, repair, clear), run by the agent on the
// card in the reader other than the session's (never the RA's own card or reader), each as a job
// the page polls for its progress. One job at a time. Every step is journaled before it is taken
// (smartcard-journal.ts). A job that fails tells why in words and, when the service can be
// reached, abandons its operation there, with one exception: an issue that has begun changing
// the card leaves its operation open, because that open operation is what lets the next issue
// of the same card put it back to blank first (the service voids it then, revoking any
// certificate it got). Until then no certificate of it is live: only a confirmed issue makes one.

/** Finished jobs kept for the page to read their end. */
const KEPT_JOBS = 20;

/** The stages (and journal steps) of an issue that change what the card holds; every later one follows one of them. */
const CHANGES_CARD: ReadonlySet<SmartcardStep> = new Set(['resetting-card', 'making-key', 'requesting-certificate', 'writing-certificate', 'setting-passcode', 'setting-keys']);

type Progress = { -readonly [K in keyof SmartcardJobProgress]: SmartcardJobProgress[K] };

/** One job under way: what it has learnt, for its journal and its failure handling. */
interface JobRun {
  readonly progress: Progress;
  readonly token: string;
  readonly reader: string;
  /** The card's insertion in `reader` when the job began: a card swapped meanwhile is not worked on. */
  readonly insertion: number | undefined;
  cardSerial: number | null;
  operationId: string | null;
  changedCard: boolean;
}

type Terms = FlowTerms<'failed', 'failed'>;

function termsFor(kind: SmartcardJobKind): Terms {
  return {
    passing: 'failed',
    final: 'failed',
    serviceUnreachable: M.serviceUnreachable,
    cardRemoved: M.removed[kind],
    notProved: M.notProved,
    forbidden: 'role',
    own: (err) => {
      if (err instanceof AgentFailure) return { kind: 'failed', code: err.code, message: err.message };
      // The card's own refusals, in the card layer's words (which never carry card data).
      if (err instanceof CardNotBlankError || err instanceof CardNoLongerBlankError) return { kind: 'failed', code: 'service-refused', message: err.message };
      if (err instanceof RenewalCertificateMismatchError) return { kind: 'failed', code: 'service-refused', message: M.certificateMismatch };
      return undefined;
    },
  };
}

export class SmartcardJobs {
  private readonly jobs = new Map<string, Progress>();
  private running: JobRun | null = null;
  readonly journal: SmartcardJournal;

  constructor(private readonly rt: AgentRuntime) {
    this.journal = new SmartcardJournal(rt.journal, () => rt.now());
  }

  /** The card in the second reader: what it is, and whom it is registered to (as far as the session may see). */
  async inspect(): Promise<AgentResult<'smartcard.inspect'>> {
    const session = this.liveSession();
    if (this.running) throw new AgentFailure('not-now', M.busy);
    const reader = this.secondReader(session);
    let readout: CardReadout;
    try {
      readout = await readCardReadout(this.rt.options.readers, reader);
    } catch (err) {
      const outcome = outcomeOfError(err, termsFor('issue'));
      throw new AgentFailure(outcome.code, outcome.kind === 'card-removed' ? M.insertSecond : outcome.message);
    }
    if (readout.chuidUuid !== null && readout.chuidUuid === session.facts.cardUuid) throw new AgentFailure('not-now', M.ownCard);
    const registeredTo = readout.chuidUuid === null ? null : await this.holderOf(session.token, readout.chuidUuid);
    const leftOver = readout.serial !== null && registeredTo === null && this.journal.unfinishedIssue(readout.serial) !== undefined;
    const summary = isBlankReadout(readout)
      ? M.summary.blank
      : registeredTo
        ? M.summary.registeredTo(registeredTo.name)
        : leftOver
          ? M.summary.unfinishedIssue
          : M.summary.notBlank;
    return { reader, readout, registeredTo, summary };
  }

  issue(r: AgentRequest<'smartcard.issue'>): AgentResult<'smartcard.issue'> {
    // The new passcode first, before anything is asked of the service or the card: checked on
    // the bytes (UTF-8, so nothing can pose as a digit); the confirmation wiped at once.
    const passcode = Buffer.from(r.passcode, 'utf8');
    const confirm = Buffer.from(r.confirm, 'utf8');
    const problem = newPasscodeProblems(passcode, confirm)[0];
    wipe(confirm);
    if (problem) {
      wipe(passcode);
      throw new AgentFailure('passcode-policy', problem.message);
    }
    let run: JobRun;
    try {
      run = this.begin('issue');
    } catch (err) {
      wipe(passcode);
      throw err;
    }
    this.launch(run, () => this.runIssue(run, r, passcode));
    return { jobId: run.progress.jobId };
  }

  repair(r: AgentRequest<'smartcard.repair'>): AgentResult<'smartcard.repair'> {
    const run = this.begin('repair');
    this.launch(run, () => this.runRepair(run, r.cardUuid));
    return { jobId: run.progress.jobId };
  }

  clear(r: AgentRequest<'smartcard.clear'>): AgentResult<'smartcard.clear'> {
    const run = this.begin('clear');
    this.launch(run, () => this.runClear(run, r.cardUuid));
    return { jobId: run.progress.jobId };
  }

  progress(jobId: string): AgentResult<'smartcard.progress'> {
    const job = this.jobs.get(jobId);
    if (!job) throw new AgentFailure('not-now', M.noSuchJob);
    return { ...job, repaired: [...job.repaired] };
  }

  // ---- the jobs ---------------------------------------------------------------------------------

  private async runIssue(run: JobRun, r: AgentRequest<'smartcard.issue'>, passcode: Buffer): Promise<string> {
    const { rt } = this;
    try {
      const readout = await this.readCard(run);
      this.stage(run, 'opening');
      const opened = await rt.monitor.track(rt.client.openCardIssue(run.token, r.userUuid, { workstationId: rt.options.workstationId, algorithm: r.algorithm, card: readout }));
      run.operationId = opened.operationId;
      run.progress.cardUuid = opened.cardUuid;
      this.stillThere(run);
      await issueCard({
        readers: rt.options.readers,
        reader: run.reader,
        passcode,
        algorithm: opened.algorithm,
        cardUuid: opened.cardUuid,
        holderName: opened.holder.name,
        resetFirst: opened.resetFirst,
        relay: issueRelay(this.relayContext(run, opened.operationId)),
        onStage: (stage) => this.stage(run, stage),
      });
      this.stage(run, 'confirming');
      await rt.monitor.track(rt.client.confirmCardIssue(run.token, opened.operationId, rt.options.workstationId));
      return M.done.issue;
    } finally {
      wipe(passcode);
    }
  }

  private async runRepair(run: JobRun, cardUuid: string): Promise<string> {
    const { rt } = this;
    const workstationId = rt.options.workstationId;
    const opened = await this.openOperation(run, (readout) => rt.client.openCardRepair(run.token, cardUuid, workstationId, readout));
    const result = await repairCard({
      readers: rt.options.readers,
      reader: run.reader,
      cardUuid: opened.cardUuid,
      algorithm: opened.algorithm,
      certificate: Buffer.from(opened.certificate, 'base64'),
      relay: serviceKeyRelay(this.relayContext(run, opened.operationId)),
      onStage: (stage) => this.stage(run, stage),
    });
    this.stage(run, 'reporting', 'reporting-repair');
    const answer = await rt.monitor.track(rt.client.cardRepaired(run.token, opened.operationId, workstationId, result.repaired, result.keyMatches));
    run.progress.repaired = [...answer.repaired];
    // The operation is finished at the service either way: nothing to abandon.
    run.operationId = null;
    if (!result.keyMatches) throw new AgentFailure('service-refused', answer.message || M.keyMismatch);
    // The service says what was written again ("Smartcard repaired successfully: ...").
    return answer.message.startsWith(M.done.repair) ? answer.message : M.done.repair;
  }

  private async runClear(run: JobRun, cardUuid: string): Promise<string> {
    const { rt } = this;
    const workstationId = rt.options.workstationId;
    const opened = await this.openOperation(run, (readout) => rt.client.openCardClear(run.token, cardUuid, workstationId, readout));
    const result = await clearCard({
      readers: rt.options.readers,
      reader: run.reader,
      // A card already blank has nothing to prove: only the record is closed.
      relay: opened.alreadyBlank ? null : serviceKeyRelay(this.relayContext(run, opened.operationId)),
      onStage: (stage) => this.stage(run, stage),
    });
    this.stage(run, 'reporting', 'reporting-clear');
    await rt.monitor.track(rt.client.cardCleared(run.token, opened.operationId, workstationId, result.readout));
    return M.done.clear;
  }

  // ---- machinery --------------------------------------------------------------------------------

  /** Reads the card, opens the operation at the service with what it read, and checks the card is still there. */
  private async openOperation<T extends { operationId: string; cardUuid: string }>(run: JobRun, open: (readout: CardReadout) => Promise<T>): Promise<T> {
    const readout = await this.readCard(run);
    this.stage(run, 'opening');
    const opened = await this.rt.monitor.track(open(readout));
    run.operationId = opened.operationId;
    run.progress.cardUuid = opened.cardUuid;
    this.stillThere(run);
    return opened;
  }

  /** The checks every job makes before it starts, then the job, running. */
  private begin(kind: SmartcardJobKind): JobRun {
    const session = this.liveSession();
    const grant = grantFor(session.view.position.roles, KIND_ACTIVITY[kind]);
    if (grant === undefined || grant === 'everyone') throw new AgentFailure('forbidden', M.forbidden[kind]);
    if (this.running) throw new AgentFailure('not-now', M.busy);
    const reader = this.secondReader(session);
    const jobId = randomBytes(16).toString('base64url');
    const run: JobRun = {
      progress: { jobId, kind, status: 'running', stage: STAGE_WORDS['reading-card'], message: null, cardUuid: null, repaired: [] },
      token: session.token,
      reader,
      insertion: this.insertionIn(reader),
      cardSerial: null,
      operationId: null,
      changedCard: false,
    };
    this.running = run;
    this.jobs.set(jobId, run.progress);
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - KEPT_JOBS))) this.jobs.delete(id);
    return run;
  }

  /** Runs `work` to its end in the background; the page reads how it ended from progress. */
  private launch(run: JobRun, work: () => Promise<string>): void {
    const ended = work().then(
      (message) => {
        this.note(run, 'done');
        Object.assign(run.progress, { status: 'done', message });
      },
      async (err: unknown) => {
        const message = await this.fail(run, err);
        Object.assign(run.progress, { status: 'failed', message });
      },
    );
    void ended.finally(() => {
      if (this.running === run) this.running = null;
    });
  }

  /** Says why `run` failed, in words, and abandons its operation where that is right (see the top). */
  private async fail(run: JobRun, err: unknown): Promise<string> {
    const outcome = outcomeOfError(err, termsFor(run.progress.kind));
    const operationId = run.operationId;
    const reachable = !(err instanceof ServiceUnreachableError);
    const keepForNextIssue = run.progress.kind === 'issue' && run.changedCard;
    if (operationId !== null && reachable && !keepForNextIssue) {
      this.note(run, 'abandoned');
      const reason = outcome.kind === 'card-removed' ? 'card-removed' : outcome.code === 'service-refused' ? 'card-refused' : 'failed';
      try {
        await this.rt.monitor.track(this.rt.client.abandonCardOperation(run.token, operationId, this.rt.options.workstationId, reason));
      } catch {
        // The operation expires at the service in any case.
      }
    }
    this.note(run, 'failed');
    return outcome.message || M.unknownFailure;
  }

  private async readCard(run: JobRun): Promise<CardReadout> {
    this.stage(run, 'reading-card');
    this.stillThere(run);
    const readout = await readCardReadout(this.rt.options.readers, run.reader);
    run.cardSerial = readout.serial;
    const session = this.rt.model().session;
    if (session && readout.chuidUuid !== null && readout.chuidUuid === session.facts.cardUuid) throw new AgentFailure('not-now', M.ownCard);
    return readout;
  }

  /** The stage on the page, and the journal's step, written before the stage is taken. */
  private stage(run: JobRun, stage: Exclude<keyof typeof STAGE_WORDS, 'reporting'>): void;
  private stage(run: JobRun, stage: 'reporting', step: SmartcardStep): void;
  private stage(run: JobRun, stage: keyof typeof STAGE_WORDS, step?: SmartcardStep): void {
    run.progress.stage = STAGE_WORDS[stage];
    this.note(run, step ?? (stage as SmartcardStep));
  }

  private note(run: JobRun, step: SmartcardStep, certificateSerial: string | null = null): void {
    if (CHANGES_CARD.has(step)) run.changedCard = true;
    this.journal.record({ jobId: run.progress.jobId, kind: run.progress.kind, step, cardSerial: run.cardSerial, cardUuid: run.progress.cardUuid, certificateSerial });
  }

  private relayContext(run: JobRun, operationId: string): RelayContext {
    return { rt: this.rt, token: run.token, operationId, note: (step, serial) => this.note(run, step, serial ?? null) };
  }

  private liveSession(): SessionModel {
    const session = this.rt.model().session;
    if (!session) throw new AgentFailure('not-signed-in', MESSAGES.notSignedIn);
    if (session.locked) throw new AgentFailure('not-now', M.locked);
    return session;
  }

  /** The reader with a card in it other than the session's; never the session's own card. */
  private secondReader(session: SessionModel): string {
    const m = this.rt.model();
    let problem: string = M.insertSecond;
    for (const r of this.rt.options.readers.readers()) {
      if (r.name === session.reader || !r.cardPresent) continue;
      const slot = m.readers.find((x) => x.name === r.name)?.card;
      if (slot?.status === 'ready' && slot.facts.cardUuid === session.facts.cardUuid) {
        problem = M.ownCard;
        continue;
      }
      return r.name;
    }
    throw new AgentFailure('not-now', problem);
  }

  private insertionIn(reader: string): number | undefined {
    return this.rt.model().readers.find((r) => r.name === reader)?.card?.insertion;
  }

  /** The card the job began with is still the one in its reader (not pulled, not swapped). */
  private stillThere(run: JobRun): void {
    const now = this.insertionIn(run.reader);
    if (now === undefined || now !== run.insertion) throw new AgentFailure('card-removed', M.removed[run.progress.kind]);
  }

  /** The user a card is registered to, when the session may find them; null otherwise. */
  private async holderOf(token: string, cardUuid: string): Promise<{ uuid: string; name: string } | null> {
    try {
      const found = await this.rt.monitor.track(this.rt.client.findUsers(token, { cardUuid, limit: 1 }));
      const user = found.results[0];
      return user ? { uuid: user.uuid, name: user.name } : null;
    } catch {
      return null;
    }
  }
}
