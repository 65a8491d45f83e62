// Every outgoing message is stored first, then sent through the channel that owns its chat.
// Delivery is at-least-once: a message is marked sent only after the channel accepted it, so a crash
// between the two sends it again after restart (a rare duplicate beats a lost reply).
import type {Channel} from './channels/channel.js';
import type {Logger} from './logger.js';
import type {OutboxMessage, OutboxStore} from './store/outbox-store.js';

export type EnqueueResult =
	| {id: number; status: 'sent'}
	| {id: number; status: 'queued'; reason: string}
	| {id: number; status: 'failed'; reason: string};

/** Thrown by a channel for a send that can never succeed (the chat does not exist, say): the message is given up. */
export class UndeliverableError extends Error {
	override name = 'UndeliverableError';
}

export interface OutboxOptions {
	store: OutboxStore;
	/** The channels replies can go through (read on every send, so channels added later count). */
	channels(): readonly Channel[];
	/**
	 * Whether a channel this install runs in some mode could deliver to the chat (WhatsApp is off in
	 * `chat`, say); a chat none could is given up at once. Default: one of `channels()` owns it.
	 */
	reachable?(chatJid: string): boolean;
	logger?: Logger;
	now?: () => Date;
	/** Schedules a retry after a failed send; returns a cancel function. */
	setTimer?: (fn: () => void, ms: number) => () => void;
	retryDelayMs?: (attempts: number) => number;
	/** Sends that fail while the channel is connected before a message is given up (default 20, about 17 min). */
	maxFailedSends?: number;
	/** A message was sent or given up: for the UI. */
	onChange?: () => void;
}

const defaultRetryDelay = (attempts: number) => Math.min(60_000, 2000 * 2 ** Math.max(0, attempts - 1));

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A message is never given up for a channel being offline: it waits for the reconnect. A send that
 * fails while connected is retried with backoff; an `UndeliverableError`, a chat no channel can
 * reach, or `maxFailedSends` failures end it (logged with the reason), so one bad message cannot
 * hold its chat's later replies back for ever.
 */
export class Outbox {
	private readonly flushes = new Map<string, Promise<void>>();
	private readonly retries = new Map<string, () => void>();
	private stopped = false;

	constructor(private readonly options: OutboxOptions) {}

	/** Stores the message, then sends it (and anything older for its channel) if the channel is connected. */
	async enqueue(chatJid: string, text: string): Promise<EnqueueResult> {
		const message = this.options.store.add(chatJid, text, this.nowIso());
		const channel = this.channelFor(chatJid);
		if (!channel) {
			const reachable = this.options.reachable?.(chatJid) ?? false;
			if (!reachable) {
				const reason = `no channel can reach chat ${chatJid}: it is neither a local chat nor a WhatsApp chat`;
				this.giveUp(message, reason);
				return {id: message.id, status: 'failed', reason};
			}
			const reason = `no channel for chat ${chatJid} runs in this mode`;
			this.options.store.noteWaiting(message.id, reason);
			return {id: message.id, status: 'queued', reason};
		}
		await this.flush(channel);
		const after = this.options.store.get(message.id);
		if (after?.sentAt) return {id: message.id, status: 'sent'};
		const reason = after?.lastError ?? `${channel.name} is not connected`;
		if (after?.givenUp) return {id: message.id, status: 'failed', reason: `given up: ${reason}`};
		return {id: message.id, status: 'queued', reason};
	}

	/** Sends the channel's pending messages in order, each once; call it when the channel (re)connects. */
	flush(channel: Channel): Promise<void> {
		const previous = this.flushes.get(channel.name) ?? Promise.resolve();
		const next = previous.then(() => this.drain(channel));
		const tracked = next.finally(() => {
			if (this.flushes.get(channel.name) === tracked) this.flushes.delete(channel.name);
		});
		this.flushes.set(channel.name, tracked);
		return next;
	}

	/** Flushes every connected channel (e.g. at start-up, for messages left from before a restart). */
	async flushAll(): Promise<void> {
		await Promise.all(this.options.channels().map((channel) => this.flush(channel)));
	}

	/** No send is in progress (retries may wait for their time). */
	quiet(): boolean {
		return this.flushes.size === 0;
	}

	pending(): OutboxMessage[] {
		return this.options.store.pending();
	}

	stop(): void {
		this.stopped = true;
		for (const cancel of this.retries.values()) cancel();
		this.retries.clear();
	}

	private async drain(channel: Channel): Promise<void> {
		const blockedChats = new Set<string>();
		let retryAfter: number | null = null;
		for (const message of this.options.store.pending()) {
			if (this.stopped) return;
			if (!channel.ownsJid(message.chatJid) || blockedChats.has(message.chatJid)) continue;
			if (!channel.isConnected()) {
				this.options.store.noteWaiting(message.id, `${channel.name} is not connected`);
				continue;
			}
			try {
				await channel.sendMessage(message.chatJid, message.text);
			} catch (error) {
				if (error instanceof UndeliverableError) {
					this.giveUp(message, `${channel.name} cannot deliver it: ${error.message}`);
					continue;
				}
				if (!channel.isConnected()) {
					blockedChats.add(message.chatJid); // later messages wait, so the chat never sees them out of order
					// The connection dropped: the reconnect flushes again, so this counts for nothing.
					this.options.store.noteWaiting(message.id, `${channel.name} lost its connection while sending (${errorText(error)})`);
					continue;
				}
				const reason = `${channel.name} could not send: ${errorText(error)}`;
				const attempts = message.attempts + 1;
				if (attempts >= (this.options.maxFailedSends ?? 20)) {
					this.giveUp(message, `${reason} (${attempts} failed sends)`);
					continue;
				}
				blockedChats.add(message.chatJid); // later messages wait, so the chat never sees them out of order
				this.options.store.recordFailure(message.id, reason);
				const delay = (this.options.retryDelayMs ?? defaultRetryDelay)(attempts);
				this.options.logger?.warn({chatJid: message.chatJid, id: message.id, attempts, inMs: delay, reason}, 'outgoing message failed; will retry');
				retryAfter = retryAfter === null ? delay : Math.min(retryAfter, delay);
				continue;
			}
			this.options.store.markSent(message.id, this.nowIso());
			this.options.onChange?.();
		}
		if (retryAfter !== null) this.scheduleRetry(channel, retryAfter);
	}

	private giveUp(message: OutboxMessage, reason: string): void {
		this.options.store.giveUp(message.id, reason, this.nowIso());
		this.options.logger?.error({chatJid: message.chatJid, id: message.id, reason}, `outgoing message given up: ${reason}`);
		this.options.onChange?.();
	}

	private scheduleRetry(channel: Channel, ms: number): void {
		if (this.stopped || this.retries.has(channel.name)) return;
		const setTimer =
			this.options.setTimer ??
			((fn: () => void, delay: number) => {
				const timer = setTimeout(fn, delay);
				timer.unref();
				return () => clearTimeout(timer);
			});
		const cancel = setTimer(() => {
			this.retries.delete(channel.name);
			void this.flush(channel).catch((error: unknown) => this.options.logger?.error({err: error}, 'outbox retry failed'));
		}, ms);
		this.retries.set(channel.name, cancel);
	}

	private channelFor(chatJid: string): Channel | undefined {
		return this.options.channels().find((channel) => channel.ownsJid(chatJid));
	}

	private nowIso(): string {
		return (this.options.now?.() ?? new Date()).toISOString();
	}
}
