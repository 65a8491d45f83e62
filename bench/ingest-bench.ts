// Benchmark: messages stored per second through the store's own API (real SQLite file, WAL).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openDb} from '../src/store/db.js';
import {MessageStore} from '../src/store/messages.js';

export function measureIngest(count = 50_000): number {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'babybot-ingest-bench-'));
	const db = openDb(path.join(root, 'babybot.db'));
	const messages = new MessageStore(db);
	try {
		const start = performance.now();
		for (let i = 0; i < count; i++) {
			messages.insert({
				id: `m${i}`,
				chatJid: `chat${i % 20}@g.us`,
				sender: `${i % 7}@s.whatsapp.net`,
				senderName: 'Someone',
				content: `message number ${i} with a little text in it`,
				timestamp: new Date(1_700_000_000_000 + i).toISOString(),
				fromMe: false,
				isBotMessage: false,
			});
		}
		return Math.round(count / ((performance.now() - start) / 1000));
	} finally {
		db.close();
		fs.rmSync(root, {recursive: true, force: true});
	}
}
