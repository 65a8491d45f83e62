import path from 'node:path';
import type {ChannelCallbacks} from '../channels/channel.js';
import type {Clock} from '../channels/whatsapp/clock.js';
import type {WhatsAppLimits} from '../channels/whatsapp/limits.js';
import type {SocketFactory, WAVersion} from '../channels/whatsapp/socket.js';
import type {WhatsAppChannel} from '../channels/whatsapp/whatsapp-channel.js';
import type {Logger} from '../logger.js';
import type {WhatsAppState} from '../api/host-api.js';
import type {HostPaths} from './sandbox-spec.js';

export interface WhatsAppLink {
	channel: WhatsAppChannel;
}

/** What the WhatsApp channel is built from; each part defaults to the real one (Baileys, the network, the system clock). */
export interface WhatsAppParts {
	socketFactory?: SocketFactory;
	/** The current WhatsApp Web version; default: fetched from WhatsApp. */
	fetchVersion?: () => Promise<WAVersion | undefined>;
	clock?: Clock;
	random?: () => number;
	limits?: Partial<WhatsAppLimits>;
}

/** The WhatsApp channel, with the real Baileys socket (loaded only by the modes that use it) unless `parts` replace it. */
export async function createWhatsAppChannel(options: {
	paths: HostPaths;
	logger: Logger;
	callbacks: ChannelCallbacks;
	onState(state: WhatsAppState): void;
	parts?: WhatsAppParts;
}): Promise<WhatsAppLink> {
	const parts = options.parts ?? {};
	const [{WhatsAppChannel}, {fileSentIdStore}] = await Promise.all([import('../channels/whatsapp/whatsapp-channel.js'), import('../channels/whatsapp/sent-ids.js')]);
	const real = () => import('../channels/whatsapp/socket.js');
	const channel = new WhatsAppChannel({
		authDir: options.paths.authDir,
		socketFactory: parts.socketFactory ?? (async (factoryOptions) => (await real()).createBaileysSocket(factoryOptions)),
		fetchVersion: parts.fetchVersion ?? (async () => (await real()).fetchWaWebVersion()),
		sentIds: fileSentIdStore(path.join(options.paths.storeDir, 'whatsapp-sent-ids.json')),
		logger: options.logger,
		callbacks: options.callbacks,
		clock: parts.clock,
		random: parts.random,
		limits: parts.limits,
		onStateChange: (state) => options.onState(state),
	});
	return {channel};
}
