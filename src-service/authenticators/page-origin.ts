import type { ServiceContext } from '../service-context.js';

/**
 * The origin of the pages this service serves to a browser (the WebAuthn relying party: its RP ID
 * is this origin's host name, `localhost` for a service on loopback).
 */
export const pageOrigin = (ctx: ServiceContext): string => ctx.publicOrigin;

export const rpIdOf = (origin: string): string => new URL(origin).hostname;
