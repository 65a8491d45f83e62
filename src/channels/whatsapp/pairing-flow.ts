// A pairing in progress: the QR codes (or one pairing code per socket) and how many rounds of
// them went by unused, so a pairing nobody completes ends instead of reconnecting forever.
import type {WhatsAppState} from '../../api/host-api.js';
import type {Logger} from '../../logger.js';
import type {Clock} from './clock.js';
import type {WhatsAppLimits} from './limits.js';
import {closeCodes} from './connection-policy.js';
import {formatPairingCode} from './pairing.js';
import type {WhatsAppSocket} from './socket.js';

export type PairingLimits = Pick<WhatsAppLimits, 'firstQrMs' | 'nextQrMs' | 'maxUnscannedRounds'>;

export interface PairingFlowOptions {
	clock: Clock;
	limits: PairingLimits;
	logger: Logger;
	setState(state: WhatsAppState): void;
	/** Ends the attempt (socket closed, no reconnect) with `state`. */
	stop(state: WhatsAppState): void;
}

export const pairingTimedOut = (rounds: number): WhatsAppState => ({
	status: 'stopped',
	cause: 'pairing-timed-out',
	reason: `pairing timed out: nobody scanned the QR code or typed the pairing code in ${rounds} rounds; start pairing again with the phone at hand`,
});

export class PairingFlow {
	private phone?: string;
	private qrCount = 0;
	private codeRequested = false;
	private unusedRounds = 0;

	constructor(private readonly options: PairingFlowOptions) {}

	/** The operator asked to pair (by QR, or by a code for `phone`). */
	begin(phone: string | undefined): void {
		this.phone = phone;
		this.unusedRounds = 0;
	}

	/** A new socket: WhatsApp starts a new round of codes. */
	newSocket(): void {
		this.qrCount = 0;
		this.codeRequested = false;
	}

	/** The connection opened: whatever pairing there was is done. */
	opened(): void {
		this.phone = undefined;
		this.unusedRounds = 0;
	}

	/** The socket closed; true when it showed codes nobody used and no rounds are left. */
	closedUnused(statusCode: number | undefined): boolean {
		// 515 is the restart WhatsApp asks for right after a successful scan.
		if (statusCode === closeCodes.restartRequired) return false;
		if (this.qrCount === 0 && !this.codeRequested) return false;
		this.newSocket();
		this.unusedRounds++;
		return this.unusedRounds >= this.options.limits.maxUnscannedRounds;
	}

	rounds(): number {
		return this.unusedRounds;
	}

	/** A `qr` from `connection.update`: shown with its expiry, or turned into one pairing code per socket. */
	async onQr(socket: WhatsAppSocket, qr: string, isCurrent: () => boolean): Promise<void> {
		const {clock, limits, setState, stop, logger} = this.options;
		if (this.phone) {
			if (this.codeRequested) return;
			this.codeRequested = true;
			try {
				const code = await socket.requestPairingCode(this.phone);
				if (isCurrent()) setState({status: 'pairing', pairingCode: formatPairingCode(code)});
			} catch (error) {
				logger.error({err: (error as Error).message}, 'requesting a pairing code failed');
				const reason = `could not get a pairing code (${(error as Error).message}): check the number or pair with the QR`;
				if (isCurrent()) stop({status: 'stopped', cause: 'pairing-code-failed', reason});
			}
			return;
		}
		this.qrCount++;
		const lifetime = this.qrCount === 1 ? limits.firstQrMs : limits.nextQrMs;
		setState({status: 'pairing', qr, qrExpiresAt: clock.now() + lifetime});
	}
}
