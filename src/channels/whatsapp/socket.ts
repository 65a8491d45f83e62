// The small slice of a Baileys socket the channel uses, and the real factory behind it.
import makeWASocket, {Browsers, DEFAULT_CONNECTION_CONFIG, fetchLatestWaWebVersion} from '@whiskeysockets/baileys';
import type {BaileysEventMap, GroupMetadata, WAPresence, WAVersion} from '@whiskeysockets/baileys';
import type {Logger} from '../../logger.js';
import {openAuthState} from './auth-state.js';

export type {BaileysEventMap, GroupMetadata, WAVersion};

export interface WhatsAppSocketEvents {
	on<K extends keyof BaileysEventMap>(event: K, listener: (payload: BaileysEventMap[K]) => void): void;
	off<K extends keyof BaileysEventMap>(event: K, listener: (payload: BaileysEventMap[K]) => void): void;
}

export interface WhatsAppSocketUser {
	/** `<phone>:<device>@s.whatsapp.net` once paired. */
	id: string;
	/** `<lid>:<device>@lid` when WhatsApp told us. */
	lid?: string;
	name?: string;
}

export interface WhatsAppSocket {
	readonly ev: WhatsAppSocketEvents;
	readonly user: WhatsAppSocketUser | undefined;
	sendMessage(jid: string, content: {text: string}, options?: {messageId?: string}): Promise<{key: {id?: string | null}} | undefined>;
	sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
	groupFetchAllParticipating(): Promise<Record<string, GroupMetadata>>;
	requestPairingCode(phoneDigits: string): Promise<string>;
	end(error?: Error): void | Promise<void>;
	/** The phone JID for a LID from Baileys' lid-mapping store, or null. */
	lidToPhone?(lid: string): Promise<string | null>;
}

export interface SocketFactoryOptions {
	authDir: string;
	logger: Logger;
	/** The WhatsApp Web version to announce; Baileys' bundled one when undefined. */
	version?: WAVersion;
	/** Group metadata the channel already knows, so sends never fetch it. */
	cachedGroupMetadata?: (jid: string) => Promise<GroupMetadata | undefined>;
}

export type SocketFactory = (options: SocketFactoryOptions) => Promise<WhatsAppSocket>;

export const bundledWaVersion: WAVersion = DEFAULT_CONNECTION_CONFIG.version;

/** The current WhatsApp Web version (a stale one is refused with 405), or undefined when offline. */
export async function fetchWaWebVersion(timeoutMs = 5_000): Promise<WAVersion | undefined> {
	const result = await fetchLatestWaWebVersion({signal: AbortSignal.timeout(timeoutMs)});
	return result.isLatest ? result.version : undefined;
}

export interface BaileysSocketOptions extends SocketFactoryOptions {
	/** Only for tests that must never reach WhatsApp. */
	waWebSocketUrl?: string;
}

/** The real socket: multi-file auth in the cacheable key store, saved on every `creds.update`. */
export async function createBaileysSocket(options: BaileysSocketOptions): Promise<WhatsAppSocket> {
	const {state, saveCreds} = await openAuthState(options.authDir, options.logger);
	// Baileys is chatty: only its warnings, unless the host logs at debug (or is quieter than warn).
	const quiet = options.logger.levelVal >= options.logger.levels.values.warn;
	const verbose = options.logger.level === 'debug' || options.logger.level === 'trace';
	const logger = options.logger.child({module: 'baileys'}, {level: verbose || quiet ? options.logger.level : 'warn'});
	const sock = makeWASocket({
		auth: state,
		logger,
		version: options.version ?? bundledWaVersion,
		browser: Browsers.macOS('Chrome'),
		markOnlineOnConnect: false,
		syncFullHistory: false,
		cachedGroupMetadata: options.cachedGroupMetadata ?? (async () => undefined),
		getMessage: async () => undefined,
		...(options.waWebSocketUrl ? {waWebSocketUrl: options.waWebSocketUrl} : {}),
	});
	// Saved one after another on every update; `end` waits for the last one so nothing is cut off.
	let saving = Promise.resolve();
	sock.ev.on('creds.update', () => {
		saving = saving.then(saveCreds).catch((error: Error) => options.logger.error({err: error.message}, 'saving WhatsApp credentials failed'));
	});
	return {
		ev: sock.ev,
		get user() {
			return sock.user ? {id: sock.user.id, lid: sock.user.lid, name: sock.user.name ?? sock.user.notify} : undefined;
		},
		sendMessage: (jid, content, sendOptions) => sock.sendMessage(jid, content, sendOptions),
		sendPresenceUpdate: (type, toJid) => sock.sendPresenceUpdate(type, toJid),
		groupFetchAllParticipating: () => sock.groupFetchAllParticipating(),
		requestPairingCode: (phoneDigits) => sock.requestPairingCode(phoneDigits),
		async end(error) {
			await sock.end(error);
			await saving;
		},
		lidToPhone: (lid) => sock.signalRepository.lidMapping.getPNForLID(lid),
	};
}
