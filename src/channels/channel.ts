import type {InboundMessage} from '../api/types.js';

export interface ChannelCallbacks {
	/** Every inbound message of a chat the host cares about; the host stores it before acting. */
	onMessage(message: InboundMessage): void;
	/** Chat metadata for every chat seen (registered or not). */
	onChatMetadata(chat: {jid: string; name?: string; isGroup?: boolean; at?: string}): void;
	/** The channel connected or lost its connection (the host then flushes the outbox). */
	onConnectionChange?(connected: boolean): void;
}

/** A way messages come in and replies go out. The local chat and WhatsApp implement it. */
export interface Channel {
	readonly name: string;
	connect(): Promise<void>;
	disconnect(): Promise<void>;
	isConnected(): boolean;
	/** Whether replies for this chat go through this channel. */
	ownsJid(jid: string): boolean;
	/** Sends or throws; the outbox retries what throws. */
	sendMessage(jid: string, text: string): Promise<void>;
	/** `composing` while an agent works, `paused` after. */
	setTyping?(jid: string, typing: boolean): Promise<void>;
}
