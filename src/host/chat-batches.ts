// Which of a chat's pending messages make its next turn. A chat that answers everything takes the
// oldest window. A chat waiting for its trigger is searched incrementally (only what arrived since
// the last search), so chatter costs one look per message however much of it is pending; chatter
// that no prompt has room for any more is passed.
import {batchWindow, planBatch, type BatchLimits} from '../router.js';
import type {MessageStore} from '../store/messages.js';
import type {StoredMessage} from '../api/types.js';

export class ChatBatches {
	/** Per chat and trigger: its messages after `from` up to `through` were searched and hold no trigger. */
	private readonly searched = new Map<string, {from: number; through: number}>();

	constructor(private readonly messages: MessageStore) {}

	/** Messages from people after `after`, at most a window. */
	pending(chatJid: string, after: number): StoredMessage[] {
		return this.messages.since(chatJid, after, batchWindow).filter((m) => !m.isBotMessage);
	}

	/**
	 * The chat's next batch after `after` within `limits`, or null. Waiting for `trigger`, `pass` is
	 * told the newest message older than the latest window (the cursor may move past it without a turn).
	 */
	next(chatJid: string, after: number, trigger: RegExp | null, limits: BatchLimits, pass: (seq: number) => void): StoredMessage[] | null {
		if (!trigger) return planBatch(this.pending(chatJid, after), null, limits);
		const key = `${chatJid}\u0000${trigger.source}`;
		const memo = this.searched.get(key);
		// A search made from further on is void when `after` moved back (a turn in flight failed).
		let from = memo && after >= memo.from ? Math.max(after, memo.through) : after;
		for (;;) {
			const page = this.messages.since(chatJid, from, batchWindow);
			const hit = page.find((m) => !m.isBotMessage && trigger.test(m.content));
			if (hit) {
				this.searched.delete(key);
				const context = this.messages.latestFromPeople(chatJid, after, hit.seq, batchWindow - 1);
				return planBatch([...context, ...this.pending(chatJid, hit.seq - 1)], trigger, limits);
			}
			if (page.length > 0) from = page.at(-1)!.seq;
			if (page.length < batchWindow) break;
		}
		this.searched.set(key, {from: after, through: from});
		const passed = this.messages.beyondLatest(chatJid, after, batchWindow);
		if (passed !== null) pass(passed);
		return null;
	}
}
