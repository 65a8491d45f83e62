// What to do when the WhatsApp connection closes, by Baileys' DisconnectReason status code.
import type {WhatsAppState} from '../../api/host-api.js';
import {UndeliverableError} from '../../outbox.js';

export const closeCodes = {
	loggedOut: 401,
	forbidden: 403,
	connectionReplaced: 440,
	restartRequired: 515,
} as const;

export const backoff = {baseMs: 2_000, maxMs: 5 * 60_000, jitter: 0.2} as const;

/** Consecutive 515s without an open connection after which they back off like any other close. */
export const maxImmediateRestarts = 3;

export type CloseDecision =
	| {action: 'stop'; reason: string; uiState: WhatsAppState; moveCredentialsAside: boolean}
	| {action: 'reconnect'; delayMs: number};

/**
 * `attempt` counts reconnects since the connection was last open (0 for the first).
 * `random` returns [0, 1) and spreads the delay by ±20% so many clients never retry in step.
 */
export function decideOnClose(statusCode: number | undefined, attempt: number, random: () => number = Math.random): CloseDecision {
	switch (statusCode) {
		case closeCodes.loggedOut: {
			const reason = 'logged out from the phone: re-pair with `babybot-tui pair` or the pairing overlay';
			return {action: 'stop', reason, uiState: {status: 'logged-out', reason}, moveCredentialsAside: true};
		}
		case closeCodes.connectionReplaced: {
			const reason = 'another client took over this WhatsApp session: close it, then reconnect';
			return {action: 'stop', reason, uiState: {status: 'stopped', reason, cause: 'replaced'}, moveCredentialsAside: false};
		}
		case closeCodes.forbidden: {
			const reason = 'WhatsApp refused this account (403 forbidden): check the phone, then reconnect';
			return {action: 'stop', reason, uiState: {status: 'stopped', reason, cause: 'forbidden'}, moveCredentialsAside: false};
		}
		case closeCodes.restartRequired:
			if (attempt < maxImmediateRestarts) return {action: 'reconnect', delayMs: 0};
	}
	const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt));
	const spread = 1 - backoff.jitter + 2 * backoff.jitter * random();
	return {action: 'reconnect', delayMs: Math.round(Math.min(backoff.maxMs, exponential * spread))};
}

/** The HTTP-like status code Baileys puts on a close (a Boom's `output.statusCode`). */
export function closeStatusCode(error: unknown): number | undefined {
	const output = (error as {output?: {statusCode?: unknown}} | undefined)?.output;
	return typeof output?.statusCode === 'number' ? output.statusCode : undefined;
}

/** WhatsApp's answer to a query carries its code in `data`: 401/403/404 never get better by retrying. */
export function refusedChat(error: Error, jid: string): UndeliverableError | undefined {
	const code = (error as {data?: unknown}).data;
	if (code !== 401 && code !== 403 && code !== 404) return undefined;
	return new UndeliverableError(`WhatsApp refused chat ${jid} (${code} ${error.message}): it does not exist or this account may not write to it`);
}
