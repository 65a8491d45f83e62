import {describe, expect, it} from 'vitest';
import {DisconnectReason} from '@whiskeysockets/baileys';
import {backoff, closeStatusCode, decideOnClose} from '../../src/channels/whatsapp/connection-policy.js';
import {boomError} from './fake-socket.js';

const middle = () => 0.5;

describe('decideOnClose', () => {
	it.each([
		[DisconnectReason.loggedOut, 0, 'stop', 'logged-out', /re-pair/, true],
		[DisconnectReason.loggedOut, 5, 'stop', 'logged-out', /re-pair/, true],
		[DisconnectReason.connectionReplaced, 0, 'stop', 'stopped', /another client took over/, false],
		[DisconnectReason.forbidden, 0, 'stop', 'stopped', /403 forbidden/, false],
	] as const)('%i at attempt %i stops (%s, ui %s)', (code, attempt, action, status, reason, moveAside) => {
		const decision = decideOnClose(code, attempt, middle);
		expect(decision.action).toBe(action);
		if (decision.action !== 'stop') throw new Error('expected stop');
		expect(decision.uiState.status).toBe(status);
		expect(decision.reason).toMatch(reason);
		expect(decision.moveCredentialsAside).toBe(moveAside);
	});

	it.each([
		// code, attempt, random, delay
		[DisconnectReason.restartRequired, 0, 0.5, 0],
		[DisconnectReason.restartRequired, 2, 0.5, 0],
		[DisconnectReason.restartRequired, 3, 0.5, 16_000],
		[DisconnectReason.connectionClosed, 0, 0.5, 2_000],
		[DisconnectReason.connectionLost, 1, 0.5, 4_000],
		[DisconnectReason.timedOut, 2, 0.5, 8_000],
		[DisconnectReason.badSession, 0, 0, 1_600],
		[DisconnectReason.unavailableService, 0, 0.999_999, 2_400],
		[DisconnectReason.multideviceMismatch, 3, 0.5, 16_000],
		[405, 0, 0.5, 2_000],
		[undefined, 0, 0.5, 2_000],
		[DisconnectReason.connectionClosed, 7, 0.5, 256_000],
		[DisconnectReason.connectionClosed, 8, 0.5, backoff.maxMs],
		[DisconnectReason.connectionClosed, 40, 0.999_999, backoff.maxMs],
		[DisconnectReason.connectionClosed, 40, 0, backoff.maxMs * 0.8],
	] as const)('%s at attempt %i (random %d) reconnects after %i ms', (code, attempt, random, delayMs) => {
		expect(decideOnClose(code, attempt, () => random)).toEqual({action: 'reconnect', delayMs});
	});

	it('reads the status code off a Boom-shaped error and nothing else', () => {
		expect(closeStatusCode(boomError(515))).toBe(515);
		expect(closeStatusCode(new Error('plain'))).toBeUndefined();
		expect(closeStatusCode(undefined)).toBeUndefined();
	});
});
