import path from 'node:path';
import {makeCacheableSignalKeyStore, useMultiFileAuthState, type AuthenticationState, type SignalDataSet} from '@whiskeysockets/baileys';
import type {Logger} from '../../logger.js';
import {authFileName, prepareAuthDir, tightenFile} from './auth-files.js';

/**
 * Baileys' multi-file auth state inside the cacheable key store; every key write and every
 * `saveCreds` leaves its file at 0600 in a 0700 folder.
 */
export async function openAuthState(authDir: string, logger?: Logger): Promise<{state: AuthenticationState; saveCreds: () => Promise<void>}> {
	prepareAuthDir(authDir);
	const {state, saveCreds} = await useMultiFileAuthState(authDir);
	const tightened = new Set<string>();
	const files = state.keys;
	const securedKeys: AuthenticationState['keys'] = {
		get: (type, ids) => files.get(type, ids),
		async set(data: SignalDataSet) {
			await files.set(data);
			for (const [type, entries] of Object.entries(data)) {
				for (const [id, value] of Object.entries(entries ?? {})) {
					const name = authFileName(`${type}-${id}.json`);
					if (!value) {
						tightened.delete(name);
						continue;
					}
					if (tightened.has(name)) continue;
					tightenFile(path.join(authDir, name));
					tightened.add(name);
				}
			}
		},
	};
	return {
		state: {creds: state.creds, keys: makeCacheableSignalKeyStore(securedKeys, logger)},
		async saveCreds() {
			await saveCreds();
			tightenFile(path.join(authDir, 'creds.json'));
		},
	};
}
