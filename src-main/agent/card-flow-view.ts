// What the renderer is shown of a card flow (an unlock or a renewal): the card, the step and how
// the last request went. Only these fields are copied, so what else a flow holds (the service's
// capability for it, the session token, the insertion) never reaches a view.

export interface CardFlowShown<Mode extends string, Step> {
  readonly mode: Mode;
  readonly reader: string | null;
  readonly holderName: string | null;
  readonly cardUuid: string | null;
  readonly step: Step;
  readonly busy: boolean;
  readonly error: string | null;
}

export function cardFlowView<Mode extends string, Step>(flow: CardFlowShown<Mode, Step>): CardFlowShown<Mode, Step> {
  return {
    mode: flow.mode,
    reader: flow.reader,
    holderName: flow.holderName,
    cardUuid: flow.cardUuid,
    step: flow.step,
    busy: flow.busy,
    error: flow.error,
  };
}
