// Input checks and display helpers for pairing a phone.

/** The phone number as digits, country code first; throws a one-line error that says what to type. */
export function parsePhoneDigits(raw: string): string {
	const digits = raw.trim().replace(/^\+/, '').replace(/[\s-]/g, '');
	if (!/^\d{7,15}$/.test(digits)) {
		throw new Error(`phone "${raw}" is not a phone number: type 7-15 digits, country code first, e.g. 4915123456789`);
	}
	return digits;
}

/** `ABCD1234` → `ABCD-1234`, the way the phone shows it. */
export function formatPairingCode(code: string): string {
	return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** The digits of a JID's user part: `4915123456789:3@s.whatsapp.net` → `4915123456789`. */
export function phoneOfJid(jid: string): string {
	return jid.split('@')[0].split(':')[0];
}
