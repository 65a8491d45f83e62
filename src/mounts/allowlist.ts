// The operator's mount allowlist (NanoClaw's format): load, validate, write atomically, watch.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {z} from 'zod';
import {expandHome} from '../config.js';
import {parseHostPattern} from '../web/host-rules.js';

const rootSchema = z.looseObject({
	path: z
		.string()
		.min(1, 'must not be empty')
		.refine((p) => p === '~' || p.startsWith('~/') || path.isAbsolute(p), 'must be an absolute path or start with ~/'),
	allowReadWrite: z.boolean().optional(),
	description: z.string().optional(),
	groups: z.array(z.string().min(1, 'must not be empty')).optional(),
	autoApprove: z.boolean().optional(),
});

const hostPattern = z.string().superRefine((value, context) => {
	const parsed = parseHostPattern(value);
	if (!parsed.ok) context.addIssue({code: 'custom', message: parsed.error});
});

const hostSchema = z.looseObject({
	host: hostPattern,
	group: z.string().min(1, 'must not be empty').optional(),
	http: z.boolean().optional(),
	description: z.string().optional(),
});

const allowlistSchema = z.looseObject({
	allowedRoots: z.array(rootSchema),
	allowedHosts: z.array(hostSchema).optional(),
	internalHosts: z.array(hostPattern.refine((value) => !value.trim().startsWith('*.'), 'must be an exact host, not a *. pattern')).optional(),
	blockedPatterns: z
		.array(z.string().min(1, 'must not be empty').refine((p) => !p.includes('/'), 'matches one path component and cannot contain /'))
		.optional(),
	nonMainReadOnly: z.boolean().optional(),
});

export interface AllowedRoot {
	path: string;
	allowReadWrite: boolean;
	description?: string;
	/** Only these groups may mount under it; absent: every group. */
	groups?: string[];
	/** An agent's request under it is granted without asking the operator (default: it waits). */
	autoApprove?: boolean;
}

/** A host web_fetch may reach: for every group, or for `group` only; https unless `http`. */
export interface AllowedHost {
	/** Canonical: an exact host or `*.domain`. */
	host: string;
	group?: string;
	http: boolean;
	description?: string;
}

export interface Allowlist {
	allowedRoots: AllowedRoot[];
	blockedPatterns: string[];
	nonMainReadOnly: boolean;
	/** Absent when the file has none (as internalHosts). */
	allowedHosts?: AllowedHost[];
	/** Exact hosts that may resolve to loopback, private or link-local addresses. */
	internalHosts?: string[];
}

export type AllowlistResult = {ok: true; allowlist: Allowlist} | {ok: false; error: string; missing?: boolean};

const createHint = 'create it with `babybot-tui mounts allow PATH` (or write {"allowedRoots":[{"path":"~/projects","allowReadWrite":false}]})';

/** Where a JSON syntax error sits, as `line L column C` when the parser told the position. */
function jsonErrorWhere(text: string, error: Error): string {
	const position = /position (\d+)/.exec(error.message);
	const base = error.message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
	if (!position) return base;
	const before = text.slice(0, Number(position[1]));
	const line = before.split('\n').length;
	const column = before.length - before.lastIndexOf('\n');
	return `${base} at line ${line} column ${column}`;
}

function issuePath(segments: ReadonlyArray<PropertyKey>): string {
	let out = '';
	for (const segment of segments) out += typeof segment === 'number' ? `[${segment}]` : `${out ? '.' : ''}${String(segment)}`;
	return out || '(top level)';
}

/** Parses allowlist text; the error names the JSON position or the field with the wrong type. */
export function parseAllowlist(text: string, file: string): AllowlistResult {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (error) {
		return {ok: false, error: `mount allowlist ${file} is not valid JSON: ${jsonErrorWhere(text, error as Error)}; fix the file`};
	}
	const parsed = allowlistSchema.safeParse(raw);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		return {ok: false, error: `mount allowlist ${file}: ${issuePath(issue.path)} ${issue.message.replace(/^Invalid input: /, '')}; fix the file`};
	}
	return {
		ok: true,
		allowlist: {
			allowedRoots: parsed.data.allowedRoots.map((root) => ({
				path: root.path,
				allowReadWrite: root.allowReadWrite ?? false,
				...(root.description !== undefined ? {description: root.description} : {}),
				...(root.groups !== undefined ? {groups: root.groups} : {}),
				...(root.autoApprove !== undefined ? {autoApprove: root.autoApprove} : {}),
			})),
			blockedPatterns: parsed.data.blockedPatterns ?? [],
			nonMainReadOnly: parsed.data.nonMainReadOnly ?? true,
			...(parsed.data.allowedHosts
				? {
						allowedHosts: parsed.data.allowedHosts.map((entry) => ({
							host: canonicalPattern(entry.host),
							...(entry.group !== undefined ? {group: entry.group} : {}),
							http: entry.http ?? false,
							...(entry.description !== undefined ? {description: entry.description} : {}),
						})),
					}
				: {}),
			...(parsed.data.internalHosts ? {internalHosts: parsed.data.internalHosts.map(canonicalPattern)} : {}),
		},
	};
}

const canonicalPattern = (value: string): string => {
	const parsed = parseHostPattern(value);
	return parsed.ok ? parsed.pattern : value;
};

export function loadAllowlist(file: string): AllowlistResult {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {ok: false, missing: true, error: `no mount allowlist at ${file}: ${createHint}`};
		return {ok: false, error: `mount allowlist ${file} cannot be read (${code ?? (error as Error).message}): check its permissions`};
	}
	return parseAllowlist(text, file);
}

/** The indentation the user's file uses (tab or N spaces), so a rewrite keeps its look. */
function detectIndent(text: string): string | number {
	const match = /\n([ \t]+)\S/.exec(text);
	if (!match) return '\t';
	return match[1].startsWith('\t') ? '\t' : match[1].length;
}

export function writeFileAtomic(file: string, text: string): void {
	fs.mkdirSync(path.dirname(file), {recursive: true});
	const temp = path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomUUID()}.tmp`);
	try {
		fs.writeFileSync(temp, text, {mode: 0o600});
		fs.renameSync(temp, file);
	} catch (error) {
		fs.rmSync(temp, {force: true});
		throw error;
	}
}

export type WatchFactory = (dir: string, onEvent: (filename: string | null) => void) => {close(): void};

const defaultWatch: WatchFactory = (dir, onEvent) => {
	const watcher = fs.watch(dir, {persistent: false}, (_event, filename) => onEvent(filename === null ? null : String(filename)));
	watcher.on('error', () => {});
	return watcher;
};

export interface MountAllowlistOptions {
	file: string;
	/** For `~` in roots and in the paths given to add/remove. */
	homeDir?: string;
	watch?: WatchFactory;
}

/** Resolves a root the way validation does: `~` expanded, then the real path when it exists. */
export function resolveRootPath(rootPath: string, homeDir: string): string {
	const expanded = path.resolve(expandHome(rootPath, homeDir));
	try {
		return fs.realpathSync(expanded);
	} catch {
		return expanded;
	}
}

/** The allowlist file as the host sees it now; re-read when the file changes. */
export class MountAllowlist {
	readonly file: string;
	private readonly homeDir: string;
	private readonly watchFactory: WatchFactory;
	private result: AllowlistResult;
	private watcher?: {close(): void};
	private readonly listeners = new Set<(result: AllowlistResult) => void>();

	constructor(options: MountAllowlistOptions) {
		this.file = options.file;
		this.homeDir = options.homeDir ?? os.homedir();
		this.watchFactory = options.watch ?? defaultWatch;
		this.result = loadAllowlist(this.file);
	}

	current(): AllowlistResult {
		return this.result;
	}

	reload(): AllowlistResult {
		this.result = loadAllowlist(this.file);
		for (const listener of this.listeners) listener(this.result);
		return this.result;
	}

	onChange(listener: (result: AllowlistResult) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Watches the file's folder (the file itself may not exist yet, and editors replace it). */
	startWatching(): void {
		if (this.watcher) return;
		fs.mkdirSync(path.dirname(this.file), {recursive: true});
		const base = path.basename(this.file);
		this.watcher = this.watchFactory(path.dirname(this.file), (filename) => {
			if (filename === null || filename === base) this.reload();
		});
	}

	close(): void {
		this.watcher?.close();
		this.watcher = undefined;
	}

	/**
	 * Adds a root (or changes its mode when already listed); keeps unknown keys and key order. With
	 * `group`, the root serves that group only (added to a group-limited entry of the same path).
	 */
	addAllowedRoot(rootPath: string, readWrite: boolean, description?: string, scope: {group?: string; autoApprove?: boolean} = {}): {added: boolean} {
		const target = resolveRootPath(rootPath, this.homeDir);
		const {data, text} = this.readRaw();
		const roots = data.allowedRoots as Array<Record<string, unknown>>;
		const samePath = (root: Record<string, unknown>) => typeof root.path === 'string' && resolveRootPath(root.path, this.homeDir) === target;
		const existing = roots.find((root) => samePath(root) && (scope.group === undefined ? !Array.isArray(root.groups) : Array.isArray(root.groups) && root.allowReadWrite === readWrite));
		if (existing && scope.group !== undefined) {
			const groups = existing.groups as string[];
			if (!groups.includes(scope.group)) groups.push(scope.group);
		} else if (existing) existing.allowReadWrite = readWrite;
		const entry = existing ?? {path: target, allowReadWrite: readWrite, ...(description ? {description} : {}), ...(scope.group !== undefined ? {groups: [scope.group]} : {})};
		if (!existing) roots.push(entry);
		if (scope.autoApprove !== undefined) entry.autoApprove = scope.autoApprove;
		this.writeRaw(data, text);
		return {added: !existing};
	}

	/** Removes every root that resolves to the path; throws when none does. */
	removeAllowedRoot(rootPath: string): {removed: number} {
		const target = resolveRootPath(rootPath, this.homeDir);
		const {data, text} = this.readRaw();
		const roots = data.allowedRoots as Array<Record<string, unknown>>;
		const kept = roots.filter((root) => !(typeof root.path === 'string' && resolveRootPath(root.path, this.homeDir) === target));
		const removed = roots.length - kept.length;
		if (removed === 0) throw new Error(`${rootPath} is not an allowed root in ${this.file}: see \`babybot-tui mounts list\``);
		data.allowedRoots = kept;
		this.writeRaw(data, text);
		return {removed};
	}

	/**
	 * Allows a host (canonical pattern) for one group or all; an entry of the same host and scope is
	 * updated (http is only ever added). With `internal` the host joins internalHosts.
	 */
	addAllowedHost(entry: AllowedHost, internal = false): {added: boolean} {
		const {data, text} = this.readRaw();
		const hosts = (data.allowedHosts ??= []) as Array<Record<string, unknown>>;
		const existing = hosts.find((item) => sameHost(item.host, entry.host) && item.group === entry.group);
		if (existing) existing.http = existing.http === true || entry.http;
		else hosts.push({host: entry.host, ...(entry.group ? {group: entry.group} : {}), http: entry.http, ...(entry.description ? {description: entry.description} : {})});
		const internals = (data.internalHosts ??= []) as unknown[];
		if (internal && !internals.some((item) => sameHost(item, entry.host))) internals.push(entry.host);
		if (internals.length === 0) delete data.internalHosts;
		this.writeRaw(data, text);
		return {added: !existing};
	}

	/** Removes a host's entries (of one group, or every scope); it leaves internalHosts once no entry is left. */
	removeAllowedHost(host: string, group?: string): {removed: number} {
		const {data, text} = this.readRaw();
		const hosts = (data.allowedHosts ?? []) as Array<Record<string, unknown>>;
		const kept = hosts.filter((item) => !(sameHost(item.host, host) && (group === undefined || item.group === group)));
		const internals = (data.internalHosts ?? []) as unknown[];
		const stillListed = kept.some((item) => sameHost(item.host, host));
		const keptInternals = stillListed ? internals : internals.filter((item) => !sameHost(item, host));
		const removed = hosts.length - kept.length + (internals.length - keptInternals.length);
		if (removed === 0) throw new Error(`${host} is not on the web allowlist${group ? ` of ${group}` : ''} in ${this.file}: see \`babybot-tui hosts list\``);
		data.allowedHosts = kept;
		if (keptInternals.length) data.internalHosts = keptInternals;
		else delete data.internalHosts;
		this.writeRaw(data, text);
		return {removed};
	}

	private readRaw(): {data: Record<string, unknown>; text: string | undefined} {
		const loaded = loadAllowlist(this.file);
		if (!loaded.ok && !loaded.missing) throw new Error(`${loaded.error} before changing it (nothing was written)`);
		if (!loaded.ok) return {data: {allowedRoots: [], blockedPatterns: [], nonMainReadOnly: true}, text: undefined};
		const text = fs.readFileSync(this.file, 'utf8');
		return {data: JSON.parse(text) as Record<string, unknown>, text};
	}

	private writeRaw(data: Record<string, unknown>, previous: string | undefined): void {
		if (Array.isArray(data.allowedHosts) && data.allowedHosts.length === 0) delete data.allowedHosts;
		const indent = previous === undefined ? '\t' : detectIndent(previous);
		writeFileAtomic(this.file, JSON.stringify(data, null, indent) + '\n');
		this.reload();
	}
}

const sameHost = (value: unknown, host: string): boolean => typeof value === 'string' && canonicalPattern(value) === host;
