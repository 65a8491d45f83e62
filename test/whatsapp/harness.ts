import path from 'node:path';
import pino from 'pino';
import type {ChannelCallbacks} from '../../src/channels/channel.js';
import {fileSentIdStore, type SentIdStore} from '../../src/channels/whatsapp/sent-ids.js';
import type {WhatsAppLimits} from '../../src/channels/whatsapp/limits.js';
import {WhatsAppChannel} from '../../src/channels/whatsapp/whatsapp-channel.js';
import type {WAVersion} from '../../src/channels/whatsapp/socket.js';
import type {WhatsAppState} from '../../src/api/host-api.js';
import type {InboundMessage} from '../../src/api/types.js';
import {tempHome} from '../support/temp-home.js';
import {FakeClock, settle} from './fake-clock.js';
import {FakeSocketFactory} from './fake-socket.js';

import {selfPhone, writePairedCredentials} from '../support/paired-credentials.js';

export {selfPhone, writePairedCredentials};
export const fetchedVersion: WAVersion = [2, 3000, 1234567890];

export interface HarnessOptions {
	paired?: boolean;
	home?: string;
	sentIds?: SentIdStore;
	limits?: Partial<WhatsAppLimits>;
	fetchVersion?: () => Promise<WAVersion | undefined>;
}

export function makeChannel(options: HarnessOptions = {}) {
	const home = options.home ?? tempHome().home;
	const authDir = path.join(home, 'store', 'auth');
	if (options.paired) writePairedCredentials(authDir);
	const factory = new FakeSocketFactory();
	const clock = new FakeClock();
	const messages: InboundMessage[] = [];
	const chats: Array<Parameters<ChannelCallbacks['onChatMetadata']>[0]> = [];
	const connections: boolean[] = [];
	const states: WhatsAppState[] = [];
	let ids = 0;
	const channel = new WhatsAppChannel({
		authDir,
		socketFactory: factory.create,
		callbacks: {
			onMessage: (message) => messages.push(message),
			onChatMetadata: (chat) => chats.push(chat),
			onConnectionChange: (connected) => connections.push(connected),
		},
		logger: pino({level: 'silent'}),
		onStateChange: (state) => states.push(state),
		fetchVersion: options.fetchVersion ?? (async () => fetchedVersion),
		sentIds: options.sentIds ?? fileSentIdStore(path.join(home, 'store', 'whatsapp-sent-ids.json')),
		clock,
		random: () => 0.5,
		newMessageId: () => `BOT${++ids}`,
		limits: options.limits,
	});
	return {home, authDir, factory, clock, channel, messages, chats, connections, states, lastState: () => states.at(-1)};
}

/** A paired channel with its socket open. */
export async function connectedChannel(options: HarnessOptions = {}) {
	const harness = makeChannel({paired: true, ...options});
	await harness.channel.connect();
	await settle();
	harness.factory.current.open();
	await settle();
	return harness;
}
