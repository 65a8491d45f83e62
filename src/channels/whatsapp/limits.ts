// Rates, timers and sizes of the WhatsApp channel; tests shorten them.

export interface WhatsAppLimits {
	/** Least time between two sends, plus up to `sendJitterMs` at random. */
	sendIntervalMs: number;
	sendJitterMs: number;
	typingRefreshMs: number;
	groupSyncMs: number;
	/** How long WhatsApp shows the first QR, and each one after it. */
	firstQrMs: number;
	nextQrMs: number;
	/** Rounds of QR codes (about 2.5 min each) left unscanned before pairing stops. */
	maxUnscannedRounds: number;
	sentIdLimit: number;
	seenIdLimit: number;
}

export const defaultWhatsAppLimits: WhatsAppLimits = {
	sendIntervalMs: 1_000,
	sendJitterMs: 1_000,
	typingRefreshMs: 10_000,
	groupSyncMs: 24 * 60 * 60_000,
	firstQrMs: 60_000,
	nextQrMs: 20_000,
	maxUnscannedRounds: 2,
	sentIdLimit: 1_000,
	seenIdLimit: 2_000,
};
