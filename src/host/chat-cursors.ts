// Where each chat's pending messages start, and how its cursor moves: past a turn once it
// concluded, and past what was concluded without a turn (host commands answered, chatter passed)
// only when the turn in flight before it concludes too.
import type {MessageStore} from '../store/messages.js';

export class ChatCursors {
	/** Per chat: the last message sequence handed to a live run and not yet confirmed. */
	private readonly inFlight = new Map<string, number>();
	/** Per chat: concluded without a turn after the turn in flight (`after`), up to `seq`. */
	private readonly passedAhead = new Map<string, {after: number; seq: number}>();

	constructor(private readonly messages: MessageStore) {}

	/** The last message of the chat that is answered or being answered. */
	pendingAfter(chatJid: string): number {
		return Math.max(this.messages.cursor(chatJid), this.inFlight.get(chatJid) ?? 0);
	}

	hasInFlight(chatJid: string): boolean {
		return this.inFlight.has(chatJid);
	}

	/** A turn through `seq` went to a run. */
	take(chatJid: string, seq: number): void {
		this.inFlight.set(chatJid, seq);
	}

	/** The turn in flight failed: its messages are pending again. */
	drop(chatJid: string): void {
		this.inFlight.delete(chatJid);
	}

	/** The chat's run ended: nothing of it is in flight any more. */
	forget(chatJid: string): void {
		this.inFlight.delete(chatJid);
		this.passedAhead.delete(chatJid);
	}

	/** Moves the cursor past `seq` without a turn; behind a turn in flight, once that turn concludes. */
	passThrough(chatJid: string, seq: number): void {
		const behind = this.inFlight.get(chatJid);
		if (behind === undefined) return this.messages.advanceCursor(chatJid, seq);
		const earlier = this.passedAhead.get(chatJid);
		this.inFlight.set(chatJid, seq);
		this.passedAhead.set(chatJid, {after: earlier?.seq === behind ? earlier.after : behind, seq});
	}

	/** Past a concluded turn, and past what was concluded without a turn while it was the last one in flight. */
	conclude(chatJid: string, throughSeq: number): void {
		const ahead = this.passedAhead.get(chatJid);
		if (ahead?.after === throughSeq) this.passedAhead.delete(chatJid);
		this.messages.advanceCursor(chatJid, ahead?.after === throughSeq ? ahead.seq : throughSeq);
	}
}
