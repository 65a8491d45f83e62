// The groups this account is in: names reported to the host, metadata cached so sends never fetch it.
import type {ChannelCallbacks} from '../channel.js';
import type {GroupMetadata, WhatsAppSocket} from './socket.js';

export class GroupDirectory {
	private readonly groups = new Map<string, GroupMetadata>();

	constructor(private readonly report: ChannelCallbacks['onChatMetadata']) {}

	get(jid: string): GroupMetadata | undefined {
		return this.groups.get(jid);
	}

	/** Participants changed: the next send lets Baileys fetch fresh metadata. */
	forget(jid: string): void {
		this.groups.delete(jid);
	}

	/** `groups.upsert` (whole) and `groups.update` (partial) payloads. */
	apply(updates: Array<Partial<GroupMetadata>>): void {
		for (const update of updates) {
			if (!update.id) continue;
			const known = this.groups.get(update.id);
			if (known) this.groups.set(update.id, {...known, ...update});
			else if (update.subject !== undefined && update.participants) this.groups.set(update.id, update as GroupMetadata);
			if (update.subject) this.report({jid: update.id, name: update.subject, isGroup: true});
		}
	}

	/** Fetches every group at once and reports each name; returns how many. */
	async sync(socket: WhatsAppSocket): Promise<number> {
		const all = await socket.groupFetchAllParticipating();
		for (const [jid, metadata] of Object.entries(all)) {
			this.groups.set(jid, metadata);
			this.report({jid, name: metadata.subject, isGroup: true});
		}
		return Object.keys(all).length;
	}
}
