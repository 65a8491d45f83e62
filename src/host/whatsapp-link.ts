import path from 'node:path';
import type {ChannelCallbacks} from '../channels/channel.js';
import type {WhatsAppChannel} from '../channels/whatsapp/whatsapp-channel.js';
import type {Logger} from '../logger.js';
import type {HostPaths} from './sandbox-spec.js';

export interface WhatsAppLink {
	channel: WhatsAppChannel;
}

/** The WhatsApp channel with the real Baileys socket, loaded only by the modes that use it. */
export async function createWhatsAppChannel(options: {paths: HostPaths; logger: Logger; callbacks: ChannelCallbacks; onState(): void}): Promise<WhatsAppLink> {
	const [{WhatsAppChannel}, {createBaileysSocket, fetchWaWebVersion}, {fileSentIdStore}] = await Promise.all([
		import('../channels/whatsapp/whatsapp-channel.js'),
		import('../channels/whatsapp/socket.js'),
		import('../channels/whatsapp/sent-ids.js'),
	]);
	const channel = new WhatsAppChannel({
		authDir: options.paths.authDir,
		socketFactory: createBaileysSocket,
		fetchVersion: () => fetchWaWebVersion(),
		sentIds: fileSentIdStore(path.join(options.paths.storeDir, 'whatsapp-sent-ids.json')),
		logger: options.logger,
		callbacks: options.callbacks,
		onStateChange: () => options.onState(),
	});
	return {channel};
}
