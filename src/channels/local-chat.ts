import type {Channel} from './channel.js';

export const localJid = (folder: string) => `local:${folder}`;

/** The operator's chat in the terminal: one chat per group, `local:<folder>`. */
export class LocalChatChannel implements Channel {
	readonly name = 'local';
	private readonly listeners = new Set<(jid: string, text: string) => void>();

	async connect(): Promise<void> {}
	async disconnect(): Promise<void> {}

	isConnected(): boolean {
		return true;
	}

	ownsJid(jid: string): boolean {
		return jid.startsWith('local:');
	}

	async sendMessage(jid: string, text: string): Promise<void> {
		for (const listener of this.listeners) listener(jid, text);
	}

	onReply(listener: (jid: string, text: string) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}
}
