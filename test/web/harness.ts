// WebAccess over real parts: the allowlist file, SQLite, the fetcher with an injected resolver.
import fs from 'node:fs';
import path from 'node:path';
import {afterEach} from 'vitest';
import {MountAllowlist} from '../../src/mounts/allowlist.js';
import {openDb} from '../../src/store/db.js';
import {WebRequestStore} from '../../src/store/web-requests.js';
import {WebFetcher, type FetcherOptions} from '../../src/web/fetcher.js';
import {WebAccess} from '../../src/web/web-access.js';
import {tempHome} from '../support/temp-home.js';

export interface LoggedLine {
	fields: Record<string, unknown>;
	msg: string;
}

export interface WebHarness {
	web: WebAccess;
	allowlist: MountAllowlist;
	store: WebRequestStore;
	file: string;
	/** What the chats were told, in order. */
	told: Array<{chatJid: string; text: string}>;
	logged: LoggedLine[];
	fetch(url: string, options?: {group?: string; maxBytes?: number}): ReturnType<WebAccess['serve']>;
	writeAllowlist(data: Record<string, unknown>): void;
	/** The allowlist file as JSON. */
	readAllowlist(): Record<string, unknown>;
}

const open: Array<() => void> = [];
afterEach(() => {
	for (const close of open.splice(0)) close();
});

export function webHarness(options: {allowlist?: Record<string, unknown>; fetcher?: FetcherOptions; now?: () => Date; maxPendingPerGroup?: number} = {}): WebHarness {
	const {home, allowlist: file} = tempHome('babybot-web-');
	if (options.allowlist) {
		fs.mkdirSync(path.dirname(file), {recursive: true});
		fs.writeFileSync(file, JSON.stringify({allowedRoots: [], ...options.allowlist}));
	}
	const db = openDb(path.join(home, 'store', 'babybot.db'));
	const allowlist = new MountAllowlist({file});
	const store = new WebRequestStore(db);
	const told: WebHarness['told'] = [];
	const logged: LoggedLine[] = [];
	const log = (fields: Record<string, unknown>, msg: string) => logged.push({fields, msg});
	const web = new WebAccess({
		allowlist,
		store,
		fetcher: new WebFetcher(options.fetcher),
		logger: {info: log, warn: log} as never,
		notify: (chatJid, text) => told.push({chatJid, text}),
		now: options.now,
		maxPendingPerGroup: options.maxPendingPerGroup,
	});
	open.push(() => {
		web.close();
		db.close();
	});
	return {
		web,
		allowlist,
		store,
		file,
		told,
		logged,
		fetch: (url, fetchOptions = {}) => {
			const group = fetchOptions.group ?? 'main';
			return web.serve({url, maxBytes: fetchOptions.maxBytes ?? 20_000}, {groupFolder: group, chatJid: `local:${group}`});
		},
		writeAllowlist(data) {
			fs.mkdirSync(path.dirname(file), {recursive: true});
			fs.writeFileSync(file, JSON.stringify({allowedRoots: [], ...data}));
			allowlist.reload();
		},
		readAllowlist: () => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>,
	};
}
