// How the host's replies leave: stored as the assistant's message first (with the turn it answers,
// so a restart does not ask again), announced to the UI, then queued in the outbox for its channel.
import crypto from 'node:crypto';
import {isoNow, type HostClock} from '../clock.js';
import type {Config} from '../config.js';
import type {Channel} from '../channels/channel.js';
import type {LocalChatChannel} from '../channels/local-chat.js';
import {isWhatsAppJid} from '../channels/whatsapp/inbound.js';
import type {Logger} from '../logger.js';
import {Outbox, type EnqueueResult} from '../outbox.js';
import type {Db} from '../store/db.js';
import type {MessageStore} from '../store/messages.js';
import {OutboxStore} from '../store/outbox-store.js';
import type {HostEmitter} from '../api/host-emitter.js';
import type {InboundMessage, RegisteredGroup} from '../api/types.js';

export interface DeliverOptions {
	error?: boolean;
	/** The last message of the turn this answers. */
	throughSeq?: number;
	/** Not stored as that turn's answer (a turn before it may still fail). */
	provisional?: boolean;
}

/** Resolves to the outbox's verdict (sent or queued); a message the outbox gave up on rejects. */
export type Deliver = (chatJid: string, text: string, options?: DeliverOptions) => Promise<Exclude<EnqueueResult, {status: 'failed'}>>;

export interface DeliveryInput {
	config: Config;
	clock: HostClock;
	db: Db;
	messages: MessageStore;
	events: HostEmitter;
	local: LocalChatChannel;
	channels: () => Channel[];
	groupOfChat(chatJid: string): RegisteredGroup | undefined;
	logger: Logger;
}

export interface Delivery {
	outbox: Outbox;
	outboxStore: OutboxStore;
	deliver: Deliver;
	/** `deliver` whose failure is logged as `what` could not be delivered. */
	deliverLogged(chatJid: string, text: string, what: string, options?: DeliverOptions): void;
}

export function createDelivery({config, clock, db, messages, events, local, channels, groupOfChat, logger}: DeliveryInput): Delivery {
	const outboxStore = new OutboxStore(db);
	const outbox = new Outbox({
		store: outboxStore,
		channels,
		// A WhatsApp chat waits while WhatsApp is off in this mode (`chat`): the next UI or headless run sends it.
		reachable: (chatJid) => local.ownsJid(chatJid) || isWhatsAppJid(chatJid),
		logger,
		now: () => new Date(clock.now()),
		setTimer: (fn, ms) => clock.setTimer(fn, ms),
	});
	const deliver: Deliver = async (chatJid, text, options = {}) => {
		const message: InboundMessage = {
			id: `out-${crypto.randomUUID()}`,
			chatJid,
			sender: 'assistant',
			senderName: config.assistantName,
			content: text,
			timestamp: isoNow(clock),
			fromMe: true,
			isBotMessage: true,
		};
		const seq = messages.insert(message, {answersSeq: options.provisional ? undefined : options.throughSeq});
		const groupFolder = groupOfChat(chatJid)?.folder;
		if (seq !== null) events.emit('message', {message: {...message, seq}, groupFolder});
		if (groupFolder) events.emit('reply', {groupFolder, chatJid, text, error: options.error, throughSeq: options.throughSeq});
		const outcome = await outbox.enqueue(chatJid, text);
		if (outcome.status === 'failed') throw new Error(outcome.reason);
		return outcome;
	};
	const deliverLogged = (chatJid: string, text: string, what: string, options?: DeliverOptions) =>
		void deliver(chatJid, text, options).catch((error: Error) => logger.error({chat: chatJid, err: error.message}, `${what} could not be delivered`));
	return {outbox, outboxStore, deliver, deliverLogged};
}
