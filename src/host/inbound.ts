// What reaches the host from its channels: messages of registered chats (stored, then their group
// woken), chat names, reconnects (each sends what waited for it) and WhatsApp's state.
import type {Channel, ChannelCallbacks} from '../channels/channel.js';
import type {Logger} from '../logger.js';
import type {Outbox} from '../outbox.js';
import type {MessageStore} from '../store/messages.js';
import type {HostEmitter} from '../api/host-emitter.js';
import type {HostSnapshot, WhatsAppState} from '../api/host-api.js';
import type {InboundMessage, RegisteredGroup} from '../api/types.js';

export interface InboundInput {
	messages: MessageStore;
	events: HostEmitter;
	channels: () => Channel[];
	outbox: Outbox;
	logger: Logger;
	groupOfChat(chatJid: string): RegisteredGroup | undefined;
	wake(folder: string): void;
	changed(part: keyof HostSnapshot): void;
}

export interface Inbound {
	/** Stores an inbound message of a registered chat and wakes its group; returns its sequence. */
	receive(message: InboundMessage): number | null;
	callbacks: ChannelCallbacks;
	/** The callbacks for one channel: its reconnect sends what waited for it. */
	callbacksOf(channel: () => Channel | undefined): ChannelCallbacks;
	onWhatsAppState(state: WhatsAppState): void;
}

export function createInbound({messages, events, channels, outbox, logger, groupOfChat, wake, changed}: InboundInput): Inbound {
	const receive = (message: InboundMessage): number | null => {
		const group = groupOfChat(message.chatJid);
		if (!group) return null;
		const seq = messages.insert(message);
		if (seq === null) return null;
		events.emit('message', {message: {...message, seq}, groupFolder: group.folder});
		if (!message.isBotMessage) wake(group.folder);
		return seq;
	};
	const callbacks: ChannelCallbacks = {
		onMessage: (message) => void receive(message),
		onChatMetadata(chat) {
			const owner = channels().find((channel) => channel.ownsJid(chat.jid));
			if (!owner) return logger.debug({chat: chat.jid}, 'chat metadata for a chat no channel owns: ignored');
			messages.upsertChat({jid: chat.jid, name: chat.name, channel: owner.name, isGroup: chat.isGroup, at: chat.at});
			changed('chats');
		},
	};
	const sendQueued = (channel: Channel) =>
		void outbox.flush(channel).catch((error: Error) => logger.error({channel: channel.name, err: error.message}, 'sending queued messages failed'));
	const callbacksOf = (channel: () => Channel | undefined): ChannelCallbacks => ({
		...callbacks,
		onConnectionChange(connected) {
			const current = channel();
			if (connected && current) sendQueued(current);
		},
	});
	let lastStop: string | undefined;
	const onWhatsAppState = (state: WhatsAppState) => {
		changed('whatsapp');
		// A stop is news once; the state keeps the reason for the status bar.
		const stop = state.status === 'logged-out' || state.status === 'stopped' ? state.reason : undefined;
		if (stop && stop !== lastStop) events.emit('notice', {level: state.status === 'logged-out' ? 'error' : 'warn', text: `WhatsApp stopped: ${stop}`});
		lastStop = stop;
	};
	return {receive, callbacks, callbacksOf, onWhatsAppState};
}
