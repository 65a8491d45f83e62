// Keeps `composing` alive in a chat while an agent works: WhatsApp drops it after ~25 s.
import type {Clock} from './clock.js';

export type TypingPresence = 'composing' | 'paused';

export interface TypingKeeperOptions {
	clock: Clock;
	refreshMs: number;
	/** Sends the presence; best effort (it never throws to the caller). */
	send(presence: TypingPresence, jid: string): Promise<void>;
}

export class TypingKeeper {
	private readonly timers = new Map<string, unknown>();

	constructor(private readonly options: TypingKeeperOptions) {}

	isTyping(jid: string): boolean {
		return this.timers.has(jid);
	}

	async start(jid: string): Promise<void> {
		this.arm(jid);
		await this.options.send('composing', jid);
	}

	async stop(jid: string): Promise<void> {
		this.clear(jid);
		await this.options.send('paused', jid);
	}

	/** Forgets every chat without sending anything (the connection is gone). */
	clearAll(): void {
		for (const jid of [...this.timers.keys()]) this.clear(jid);
	}

	private arm(jid: string): void {
		this.clear(jid);
		const handle = this.options.clock.setTimeout(() => {
			if (this.timers.get(jid) !== handle) return;
			this.arm(jid);
			void this.options.send('composing', jid);
		}, this.options.refreshMs);
		this.timers.set(jid, handle);
	}

	private clear(jid: string): void {
		const handle = this.timers.get(jid);
		if (handle === undefined) return;
		this.options.clock.clearTimeout(handle);
		this.timers.delete(jid);
	}
}
