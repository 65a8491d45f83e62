import {randomBytes} from 'node:crypto';
import type {WAMessage} from '@whiskeysockets/baileys';
import type {WhatsAppState} from '../../api/host-api.js';
import type {Logger} from '../../logger.js';
import {UndeliverableError} from '../../outbox.js';
import type {Channel, ChannelCallbacks} from '../channel.js';
import {hasPairedCredentials, moveCredentialsAside} from './auth-files.js';
import {GroupDirectory} from './group-directory.js';
import {systemClock, type Clock} from './clock.js';
import {closeStatusCode, decideOnClose, refusedChat} from './connection-policy.js';
import {bareJid, isGroupJid, isIgnoredChat, isWhatsAppJid, messageTimestamp, toInboundMessage} from './inbound.js';
import {LidMap} from './lid-map.js';
import {parsePhoneDigits, phoneOfJid} from './pairing.js';
import {PairingFlow, pairingTimedOut} from './pairing-flow.js';
import {memorySentIdStore, RecentIds, type SentIdStore} from './sent-ids.js';
import type {BaileysEventMap, SocketFactory, WAVersion, WhatsAppSocket} from './socket.js';
import {PacedQueue} from './paced-queue.js';
import {defaultWhatsAppLimits, type WhatsAppLimits} from './limits.js';
import {TypingKeeper} from './typing.js';

export interface WhatsAppChannelOptions {
	/** `$BABYBOT_HOME/store/auth`. */
	authDir: string;
	socketFactory: SocketFactory;
	callbacks: ChannelCallbacks;
	logger: Logger;
	onStateChange?: (state: WhatsAppState) => void;
	/** The current WhatsApp Web version; undefined (or a throw) falls back to Baileys' bundled one. */
	fetchVersion?: () => Promise<WAVersion | undefined>;
	/** Ids of sent messages, kept across restarts so echoes are never input. */
	sentIds?: SentIdStore;
	/** Defaults to whether `authDir` holds paired credentials. */
	isPaired?: () => boolean;
	clock?: Clock;
	random?: () => number;
	newMessageId?: () => string;
	limits?: Partial<WhatsAppLimits>;
}

/** WhatsApp through Baileys: one socket at a time, reconnects by policy, echoes recognised by id. */
export class WhatsAppChannel implements Channel {
	readonly name = 'whatsapp';
	private readonly limits: WhatsAppLimits;
	private readonly clock: Clock;
	private readonly random: () => number;
	private readonly newMessageId: () => string;
	private readonly sentStore: SentIdStore;
	private readonly sent: RecentIds;
	private readonly seen: RecentIds;
	private readonly groups: GroupDirectory;
	private readonly lids = new LidMap();
	private readonly typing: TypingKeeper;
	private readonly pacer: PacedQueue;
	private readonly pairing: PairingFlow;
	private socket?: WhatsAppSocket;
	private detach?: () => void;
	private generation = 0;
	private connected = false;
	private wanted = false;
	private attempt = 0;
	private reconnectTimer?: unknown;
	private groupSyncTimer?: unknown;
	private state: WhatsAppState = {status: 'off'};
	private inboundChain: Promise<void> = Promise.resolve();

	constructor(private readonly options: WhatsAppChannelOptions) {
		this.limits = {...defaultWhatsAppLimits, ...options.limits};
		this.clock = options.clock ?? systemClock;
		this.random = options.random ?? Math.random;
		this.newMessageId = options.newMessageId ?? (() => `3EB0${randomBytes(9).toString('hex').toUpperCase()}`);
		this.sentStore = options.sentIds ?? memorySentIdStore();
		this.sent = new RecentIds(this.limits.sentIdLimit, this.sentStore.load());
		this.seen = new RecentIds(this.limits.seenIdLimit);
		this.pacer = new PacedQueue({clock: this.clock, random: this.random, intervalMs: this.limits.sendIntervalMs, jitterMs: this.limits.sendJitterMs});
		this.groups = new GroupDirectory((chat) => this.options.callbacks.onChatMetadata(chat));
		this.pairing = new PairingFlow({clock: this.clock, limits: this.limits, logger: options.logger, setState: (state) => this.setState(state), stop: (state) => this.stopWith(state)});
		this.typing = new TypingKeeper({clock: this.clock, refreshMs: this.limits.typingRefreshMs, send: (presence, jid) => this.presence(presence, jid)});
	}

	currentState(): WhatsAppState {
		return this.state;
	}

	isConnected(): boolean {
		return this.connected;
	}

	/** The operator's own chat (`<phone>@s.whatsapp.net`) once connected. */
	selfJid(): string | undefined {
		const id = this.socket?.user?.id;
		return id ? bareJid(id) : undefined;
	}

	ownsJid(jid: string): boolean {
		return isWhatsAppJid(jid);
	}

	/** When paired, starts connecting and returns at once (offline, the version fetch takes seconds); else waits to be paired. */
	async connect(): Promise<void> {
		if (!(this.options.isPaired ?? (() => hasPairedCredentials(this.options.authDir)))()) {
			this.setState({status: 'not-paired'});
			return;
		}
		this.wanted = true;
		this.attempt = 0;
		void this.open().catch((error: Error) => this.options.logger.error({err: error.message}, 'connecting WhatsApp failed'));
	}

	/** Pairs by QR, or by a code for `phone` (digits, country code first). */
	async startPairing(options: {phone?: string} = {}): Promise<void> {
		const phone = options.phone === undefined || options.phone.trim() === '' ? undefined : parsePhoneDigits(options.phone);
		if (this.connected) throw new Error(`WhatsApp is already paired as +${phoneOfJid(this.selfJid() ?? '')}: unlink it on the phone to pair again`);
		this.pairing.begin(phone);
		this.wanted = true;
		this.attempt = 0;
		await this.open();
	}

	async disconnect(): Promise<void> {
		this.wanted = false;
		this.generation++;
		this.clearTimer('reconnectTimer');
		this.clearTimer('groupSyncTimer');
		this.typing.clearAll();
		const ended = this.closeSocket();
		this.markDisconnected();
		this.setState({status: 'off'});
		await ended;
	}

	/** Sends or throws (the outbox keeps what throws); spaced by the rate limit, in call order. */
	async sendMessage(jid: string, text: string): Promise<void> {
		if (!this.ownsJid(jid)) throw new UndeliverableError(`${jid} is not a WhatsApp chat`);
		this.connectedSocket();
		return this.pacer.run(() => this.sendNow(jid, text));
	}

	/** Fetches every group's name now (they also sync on connect and daily); returns how many. */
	async refreshGroups(): Promise<number> {
		const socket = this.socket;
		if (!this.connected || !socket) throw new Error('WhatsApp is not connected: group names sync when it reconnects');
		const count = await this.groups.sync(socket);
		this.options.logger.info({groups: count}, 'WhatsApp group names synced');
		return count;
	}

	async setTyping(jid: string, typing: boolean): Promise<void> {
		if (typing) await this.typing.start(jid);
		else await this.typing.stop(jid);
	}

	private async sendNow(jid: string, text: string): Promise<void> {
		const socket = this.connectedSocket();
		// The id is chosen and remembered before sending, so even an instant echo is recognised.
		const id = this.newMessageId();
		this.rememberSent(id);
		const result = await socket.sendMessage(jid, {text}, {messageId: id}).catch((error: Error) => {
			throw refusedChat(error, jid) ?? error;
		});
		const returned = result?.key?.id;
		if (returned && returned !== id) this.rememberSent(returned);
	}

	private connectedSocket(): WhatsAppSocket {
		if (!this.connected || !this.socket) throw new Error('WhatsApp is not connected: the reply waits in the outbox until it reconnects');
		return this.socket;
	}

	private readonly lookupLid = (lid: string) => this.socket?.lidToPhone?.(lid) ?? Promise.resolve(null);

	private rememberSent(id: string): void {
		if (!this.sent.add(id)) return;
		try {
			this.sentStore.save(this.sent.values());
		} catch (error) {
			this.options.logger.warn({err: (error as Error).message}, 'could not save sent WhatsApp message ids');
		}
	}

	private async presence(presence: 'composing' | 'paused', jid: string): Promise<void> {
		if (!this.connected || !this.socket) return;
		try {
			await this.socket.sendPresenceUpdate(presence, jid);
		} catch (error) {
			this.options.logger.debug({chat: jid, err: (error as Error).message}, 'presence update failed');
		}
	}

	private async open(): Promise<void> {
		const generation = ++this.generation;
		this.clearTimer('reconnectTimer');
		void this.closeSocket();
		this.markDisconnected();
		this.setState({status: 'connecting'});
		const version = await (this.options.fetchVersion ?? (async () => undefined))().catch((error: Error) => {
			this.options.logger.warn({err: error.message}, 'could not fetch the WhatsApp Web version: using the bundled one');
			return undefined;
		});
		if (generation !== this.generation) return;
		let socket: WhatsAppSocket;
		try {
			socket = await this.options.socketFactory({
				authDir: this.options.authDir,
				logger: this.options.logger,
				version,
				cachedGroupMetadata: async (jid) => this.groups.get(jid),
			});
		} catch (error) {
			this.options.logger.error({err: (error as Error).message}, 'could not create the WhatsApp socket');
			if (generation === this.generation) this.onClose(undefined);
			return;
		}
		if (generation !== this.generation) {
			await socket.end();
			return;
		}
		this.socket = socket;
		this.pairing.newSocket();
		this.detach = this.attach(socket, generation);
	}

	private attach(socket: WhatsAppSocket, generation: number): () => void {
		const offs: Array<() => void> = [];
		const on = <K extends keyof BaileysEventMap>(event: K, handler: (payload: BaileysEventMap[K]) => unknown) => {
			const guarded = (payload: BaileysEventMap[K]) => {
				if (generation !== this.generation || this.socket !== socket) return;
				Promise.resolve()
					.then(() => handler(payload))
					.catch((error: Error) => this.options.logger.error({event, err: error.message}, 'WhatsApp event handler failed'));
			};
			socket.ev.on(event, guarded);
			offs.push(() => socket.ev.off(event, guarded));
		};
		on('connection.update', (update) => this.onConnectionUpdate(update));
		on('messages.upsert', (upsert) => this.onUpsert(upsert));
		on('chats.upsert', (chats) => this.onChats(chats));
		on('chats.update', (chats) => this.onChats(chats));
		on('groups.upsert', (groups) => this.groups.apply(groups));
		on('groups.update', (groups) => this.groups.apply(groups));
		on('group-participants.update', ({id}) => this.groups.forget(id));
		on('lid-mapping.update', ({lid, pn}) => this.lids.remember(lid, pn));
		on('contacts.upsert', (contacts) => contacts.forEach((c) => c.lid && c.phoneNumber && this.lids.remember(c.lid, c.phoneNumber)));
		on('messaging-history.set', ({lidPnMappings}) => lidPnMappings?.forEach(({lid, pn}) => this.lids.remember(lid, pn)));
		return () => offs.forEach((off) => off());
	}

	private onConnectionUpdate(update: BaileysEventMap['connection.update']): Promise<void> | void {
		if (update.connection === 'open') return this.onOpen();
		if (update.connection === 'close') return this.onClose(closeStatusCode(update.lastDisconnect?.error));
		if (update.qr) {
			const socket = this.socket!;
			return this.pairing.onQr(socket, update.qr, () => this.socket === socket);
		}
	}

	private onOpen(): void {
		const user = this.socket?.user;
		if (user?.lid) this.lids.remember(user.lid, user.id);
		this.connected = true;
		this.attempt = 0;
		this.pairing.opened();
		this.options.logger.info({user: user?.id}, 'WhatsApp connected');
		this.options.callbacks.onConnectionChange?.(true);
		void this.syncGroups();
		this.setState({status: 'paired', user: user ? `+${phoneOfJid(user.id)}` : undefined});
	}

	private onClose(statusCode: number | undefined): void {
		this.clearTimer('groupSyncTimer');
		void this.closeSocket();
		this.markDisconnected();
		if (!this.wanted) return;
		if (this.pairing.closedUnused(statusCode)) {
			this.options.logger.warn({rounds: this.pairing.rounds()}, 'WhatsApp pairing timed out: nobody scanned the QR code');
			return this.stopWith(pairingTimedOut(this.pairing.rounds()));
		}
		const decision = decideOnClose(statusCode, this.attempt, this.random);
		if (decision.action === 'stop') {
			this.wanted = false;
			this.options.logger.warn({status: statusCode}, `WhatsApp stopped: ${decision.reason}`);
			if (decision.moveCredentialsAside) {
				const movedTo = moveCredentialsAside(this.options.authDir, new Date(this.clock.now()));
				if (movedTo) this.options.logger.warn({movedTo}, 'old WhatsApp credentials moved aside');
			}
			this.setState(decision.uiState);
			return;
		}
		this.attempt++;
		this.options.logger.info({status: statusCode, attempt: this.attempt, inMs: decision.delayMs}, 'WhatsApp connection closed: reconnecting');
		if (decision.delayMs === 0) {
			void this.open();
			return;
		}
		this.reconnectTimer = this.clock.setTimeout(() => {
			this.reconnectTimer = undefined;
			if (this.wanted) void this.open();
		}, decision.delayMs);
		// Last, because a listener may react by disconnecting.
		this.setState({status: 'reconnecting', attempt: this.attempt, inMs: decision.delayMs});
	}

	// Upserts are handled one after another so messages reach the host in the order they came.
	private onUpsert({messages, type}: BaileysEventMap['messages.upsert']): Promise<void> {
		if (type !== 'notify') return Promise.resolve();
		const run = this.inboundChain.then(async () => {
			for (const message of messages) await this.deliver(message);
		});
		this.inboundChain = run.catch(() => undefined);
		return run;
	}

	private async deliver(message: WAMessage): Promise<void> {
		const {key} = message;
		if (!key.id || !key.remoteJid || isIgnoredChat(key.remoteJid)) return;
		if (this.sent.has(key.id)) {
			this.options.logger.debug({id: key.id}, 'own WhatsApp message echoed back: ignored');
			return;
		}
		if (this.seen.has(key.id)) return;
		const chatJid = await this.lids.resolve(key.remoteJid, key.remoteJidAlt, this.lookupLid);
		const isGroup = isGroupJid(chatJid);
		const selfJid = this.selfJid();
		let senderJid = chatJid;
		if (key.fromMe) senderJid = selfJid ?? chatJid;
		else if (isGroup && key.participant) senderJid = await this.lids.resolve(key.participant, key.participantAlt, this.lookupLid);
		const nowMs = this.clock.now();
		const name = isGroup ? this.groups.get(chatJid)?.subject : !key.fromMe ? message.pushName || undefined : undefined;
		this.options.callbacks.onChatMetadata({jid: chatJid, name, isGroup, at: messageTimestamp(message.messageTimestamp, nowMs)});
		const inbound = toInboundMessage(message, {chatJid, senderJid, selfName: this.socket?.user?.name, nowMs});
		if (!inbound || !this.seen.add(key.id)) return;
		this.options.callbacks.onMessage(inbound);
	}

	private onChats(chats: Array<{id?: string | null; name?: string | null; displayName?: string | null}>): void {
		for (const chat of chats) {
			const name = chat.name ?? chat.displayName;
			if (!chat.id || !name || isIgnoredChat(chat.id)) continue;
			const jid = this.lids.known(chat.id);
			this.options.callbacks.onChatMetadata({jid, name, isGroup: isGroupJid(jid)});
		}
	}

	/** Group names for every group this account is in; on connect and daily after. */
	private async syncGroups(): Promise<void> {
		this.clearTimer('groupSyncTimer');
		const socket = this.socket;
		if (!socket || !this.connected) return;
		this.groupSyncTimer = this.clock.setTimeout(() => void this.syncGroups(), this.limits.groupSyncMs);
		try {
			const count = await this.groups.sync(socket);
			this.options.logger.info({groups: count}, 'WhatsApp group names synced');
		} catch (error) {
			this.options.logger.warn({err: (error as Error).message}, 'syncing WhatsApp groups failed: retrying at the next sync');
		}
	}

	/** Stops until the operator acts: no socket, no reconnect, `state` says why. */
	private stopWith(state: WhatsAppState): void {
		this.wanted = false;
		this.generation++;
		this.clearTimer('reconnectTimer');
		void this.closeSocket();
		this.markDisconnected();
		this.setState(state);
	}

	/** Detaches and ends the current socket; the promise settles when it has ended (never rejects). */
	private closeSocket(): Promise<void> {
		const socket = this.socket;
		this.detach?.();
		this.detach = undefined;
		this.socket = undefined;
		if (!socket) return Promise.resolve();
		return Promise.resolve()
			.then(() => socket.end())
			.catch((error: Error) => this.options.logger.debug({err: error.message}, 'ending the WhatsApp socket failed'));
	}

	private markDisconnected(): void {
		if (!this.connected) return;
		this.connected = false;
		this.options.callbacks.onConnectionChange?.(false);
	}

	private clearTimer(name: 'reconnectTimer' | 'groupSyncTimer'): void {
		if (this[name] === undefined) return;
		this.clock.clearTimeout(this[name]);
		this[name] = undefined;
	}

	private setState(state: WhatsAppState): void {
		this.state = state;
		this.options.onStateChange?.(state);
	}
}
