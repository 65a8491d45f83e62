// The only stand-in for WhatsApp: Baileys' event names and payload shapes over an EventEmitter.
// Plain TypeScript syntax only (no parameter properties), so a host child process can load it as it is.
import {EventEmitter} from 'node:events';
import type {WAMessage} from '@whiskeysockets/baileys';
import type {BaileysEventMap, GroupMetadata, SocketFactoryOptions, WhatsAppSocket, WhatsAppSocketUser} from '../../src/channels/whatsapp/socket.js';

/** What Baileys puts in `lastDisconnect.error`: a Boom carrying `output.statusCode`. */
export function boomError(statusCode: number, message = 'Connection Failure'): Error {
	return Object.assign(new Error(message), {isBoom: true, output: {statusCode, payload: {statusCode, error: message, message}}});
}

export class FakeSocket implements WhatsAppSocket {
	private readonly emitter = new EventEmitter();
	readonly ev = {
		on: <K extends keyof BaileysEventMap>(event: K, listener: (payload: BaileysEventMap[K]) => void) => void this.emitter.on(event, listener),
		off: <K extends keyof BaileysEventMap>(event: K, listener: (payload: BaileysEventMap[K]) => void) => void this.emitter.off(event, listener),
	};
	user: WhatsAppSocketUser | undefined;
	readonly sent: Array<{jid: string; text: string; messageId?: string}> = [];
	readonly presences: Array<{type: string; jid?: string}> = [];
	readonly pairingRequests: string[] = [];
	readonly lidStore = new Map<string, string>();
	groups: Record<string, GroupMetadata> = {};
	groupFetches = 0;
	ended = false;
	failNextSend?: Error;
	pairingCode = 'ABCD2345';

	readonly options: SocketFactoryOptions;

	constructor(options: SocketFactoryOptions) {
		this.options = options;
	}

	emit<K extends keyof BaileysEventMap>(event: K, payload: BaileysEventMap[K]): void {
		this.emitter.emit(event, payload);
	}

	listenerCount(): number {
		return this.emitter.eventNames().reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
	}

	// Baileys-shaped moments of a connection.
	qr(code: string): void {
		this.emit('connection.update', {qr: code});
	}

	open(user: WhatsAppSocketUser = {id: '4915123456789:7@s.whatsapp.net', lid: '99887766:7@lid', name: 'Operator'}): void {
		this.user = user;
		this.emit('connection.update', {connection: 'open'});
	}

	close(statusCode: number): void {
		this.emit('connection.update', {connection: 'close', lastDisconnect: {error: boomError(statusCode), date: new Date(0)}});
	}

	upsert(messages: WAMessage[], type: 'notify' | 'append' = 'notify'): void {
		this.emit('messages.upsert', {messages, type});
	}

	async sendMessage(jid: string, content: {text: string}, options?: {messageId?: string}) {
		if (this.ended) throw new Error('Connection Closed');
		if (this.failNextSend) {
			const error = this.failNextSend;
			this.failNextSend = undefined;
			throw error;
		}
		this.sent.push({jid, text: content.text, messageId: options?.messageId});
		return {key: {remoteJid: jid, fromMe: true, id: options?.messageId ?? `GEN${this.sent.length}`}};
	}

	async sendPresenceUpdate(type: 'composing' | 'paused' | 'available' | 'unavailable' | 'recording', jid?: string) {
		this.presences.push({type, jid});
	}

	async groupFetchAllParticipating() {
		this.groupFetches++;
		return this.groups;
	}

	async requestPairingCode(phone: string) {
		this.pairingRequests.push(phone);
		return this.pairingCode;
	}

	async lidToPhone(lid: string) {
		return this.lidStore.get(lid) ?? null;
	}

	// Like Baileys: ending emits a close carrying the error (none when ended on purpose).
	async end(error?: Error) {
		if (this.ended) return;
		this.ended = true;
		this.emit('connection.update', {connection: 'close', lastDisconnect: {error, date: new Date(0)}});
	}
}

export class FakeSocketFactory {
	readonly sockets: FakeSocket[] = [];
	/** Set to make the next creation fail. */
	failNext?: Error;

	readonly create = async (options: SocketFactoryOptions): Promise<FakeSocket> => {
		if (this.failNext) {
			const error = this.failNext;
			this.failNext = undefined;
			throw error;
		}
		const socket = new FakeSocket(options);
		this.sockets.push(socket);
		return socket;
	};

	get current(): FakeSocket {
		const socket = this.sockets.at(-1);
		if (!socket) throw new Error('no socket was created');
		return socket;
	}

	live(): FakeSocket[] {
		return this.sockets.filter((socket) => !socket.ended);
	}
}

/** A text message the way Baileys delivers it in `messages.upsert`. */
export function waMessage(input: {
	id: string;
	remoteJid: string;
	remoteJidAlt?: string;
	participant?: string;
	participantAlt?: string;
	fromMe?: boolean;
	pushName?: string;
	message?: WAMessage['message'];
	text?: string;
	seconds?: number;
}): WAMessage {
	return {
		key: {
			remoteJid: input.remoteJid,
			remoteJidAlt: input.remoteJidAlt,
			fromMe: input.fromMe ?? false,
			id: input.id,
			participant: input.participant,
			participantAlt: input.participantAlt,
			addressingMode: input.remoteJid.endsWith('@lid') || input.participant?.endsWith('@lid') ? 'lid' : 'pn',
		},
		messageTimestamp: input.seconds ?? 1_700_000_000,
		pushName: input.pushName,
		message: input.message ?? {conversation: input.text ?? 'hello'},
	};
}

export function groupMetadata(id: string, subject: string): GroupMetadata {
	return {id, subject, owner: undefined, participants: [{id: '4915111111111@s.whatsapp.net', admin: null}]};
}
