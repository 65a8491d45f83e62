// WhatsApp's privacy ids (LIDs, `…@lid`) mapped to phone JIDs, learned from every place rc14 offers them.
import {bareJid, isLidJid, isPhoneJid} from './inbound.js';

const maxEntries = 50_000;

export class LidMap {
	private readonly phones = new Map<string, string>();

	remember(lid: string, phoneJid: string): void {
		const key = bareJid(lid);
		const value = bareJid(phoneJid);
		if (!isLidJid(key) || !isPhoneJid(value)) return;
		if (!this.phones.has(key) && this.phones.size >= maxEntries) this.phones.delete(this.phones.keys().next().value as string);
		this.phones.set(key, value);
	}

	/** The phone JID we already know for `jid` (itself when it is not a LID), without asking anyone. */
	known(jid: string): string {
		const bare = bareJid(jid);
		return isLidJid(bare) ? (this.phones.get(bare) ?? bare) : bare;
	}

	/**
	 * The phone JID for `jid`: from the key's alt field (`remoteJidAlt`/`participantAlt`), what we
	 * learned, or `lookup` (Baileys' lid-mapping store); the LID itself when nobody knows.
	 */
	async resolve(jid: string, alt: string | null | undefined, lookup?: (lid: string) => Promise<string | null>): Promise<string> {
		const bare = bareJid(jid);
		if (!isLidJid(bare)) return bare;
		if (alt && isPhoneJid(bareJid(alt))) this.remember(bare, alt);
		const known = this.phones.get(bare);
		if (known || !lookup) return known ?? bare;
		const looked = await lookup(bare).catch(() => null);
		if (looked) this.remember(bare, looked);
		return this.phones.get(bare) ?? bare;
	}
}
