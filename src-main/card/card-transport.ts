/** One raw exchange with a card: what a PC/SC reader or the in-process reader provides. */
export interface CardTransport {
  /** Sends a command APDU and returns the raw response (data + SW1 SW2). */
  transmit(command: Uint8Array, maxResponseLength: number): Promise<Buffer>;
}
