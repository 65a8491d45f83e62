import fs from 'node:fs';
import os from 'node:os';
import type {Config} from '../config.js';
import {attachToRunningHost} from '../control/attach.js';
import type {RemoteHost} from '../control/remote-host.js';
import {MountAllowlist} from '../mounts/allowlist.js';
import {defaultBlockedPatterns, hostStatePaths, validateMount} from '../mounts/mount-security.js';
import {existingFolder, homePaths} from '../paths.js';
import {openDb, type Db} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {MountRequestStore} from '../store/mount-requests.js';
import {UsageError} from './args.js';

export interface MountsCommandOptions {
	config: Config;
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** The store to read groups and requests from; else the home's database when it exists. */
	db?: Db;
	homeDir?: string;
}

const usage = `Usage
  babybot-tui mounts check PATH [--as NAME] [--rw] [--group FOLDER]
  babybot-tui mounts list
  babybot-tui mounts allow PATH [--rw] [--group FOLDER] [--auto]
  babybot-tui mounts revoke PATH`;

export const mountsHelp = `${usage}

check tells whether a group may mount PATH (main unless --group) and why; list shows the
allowlist and the pending requests; allow and revoke change the allowlist. allow --group limits
the root to one group; --auto lets agents' requests under it through without asking you (without
it, an agent's request waits in the Access pane). BabyBot's own home, the allowlist's folder and
the project's .env are never mounted, whatever the allowlist says. allow and revoke go through
the host that runs for this home, if one does.
`;

interface ParsedArgs {
	action?: string;
	positional: string[];
	as?: string;
	rw: boolean;
	auto: boolean;
	group?: string;
	help: boolean;
}

/** `--as NAME`, `--as=NAME`, `--rw`, `--group F`; `--` ends the options. */
export function parseMountsArgs(argv: string[]): ParsedArgs {
	const parsed: ParsedArgs = {positional: [], rw: false, auto: false, help: false};
	let optionsDone = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (optionsDone || !arg.startsWith('-') || arg === '-') {
			if (parsed.action === undefined) parsed.action = arg;
			else parsed.positional.push(arg);
			continue;
		}
		if (arg === '--') {
			optionsDone = true;
			continue;
		}
		const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const value = () => {
			if (inline !== undefined) return inline;
			const next = argv[++i];
			if (next === undefined) throw new UsageError(`${flag} needs a value: e.g. ${flag === '--as' ? '--as notes' : '--group family'}`);
			return next;
		};
		if (flag === '--as') parsed.as = value();
		else if (flag === '--group') parsed.group = value();
		else if (flag === '--rw' && inline === undefined) parsed.rw = true;
		else if (flag === '--auto' && inline === undefined) parsed.auto = true;
		else if (flag === '--help' || flag === '-h') parsed.help = true;
		else throw new UsageError(`unknown option ${flag}: the options are --as NAME, --rw, --auto and --group FOLDER (see \`babybot-tui mounts --help\`)`);
	}
	return parsed;
}

function openStore(options: MountsCommandOptions): {db?: Db; close(): void} {
	if (options.db) return {db: options.db, close: () => {}};
	const file = homePaths(options.config.home).dbFile;
	if (!fs.existsSync(file)) return {close: () => {}};
	const db = openDb(file);
	return {db, close: () => db.close()};
}

interface MountsContext {
	args: ParsedArgs;
	options: MountsCommandOptions;
	allowlist: MountAllowlist;
	homeDir: string;
	out(line: string): void;
	/** The one folder the action takes; `example` shows how. */
	needPath(example: string): string;
}

/** `babybot-tui mounts …`; returns the exit code. */
export async function runMountsCommand(argv: string[], options: MountsCommandOptions): Promise<number> {
	const {config, stdout, stderr} = options;
	const homeDir = options.homeDir ?? os.homedir();
	const out = (line: string) => stdout.write(line + '\n');
	let args: ParsedArgs;
	try {
		args = parseMountsArgs(argv);
	} catch (error) {
		stderr.write(`babybot-tui mounts: ${(error as Error).message}\n`);
		return 2;
	}
	if (args.help) {
		out(usage);
		return 0;
	}
	const needPath = (example: string) => {
		const [target, ...extra] = args.positional;
		if (!target) throw new UsageError(`mounts ${args.action} needs a folder: e.g. babybot-tui mounts ${args.action} ${example}`);
		if (extra.length) throw new UsageError(`mounts ${args.action} takes one folder, got also "${extra.join(' ')}": quote a path with spaces`);
		return target;
	};
	const context: MountsContext = {args, options, allowlist: new MountAllowlist({file: config.mountAllowlistPath, homeDir}), homeDir, out, needPath};
	try {
		switch (args.action) {
			case 'check':
				return checkMount(context);
			case undefined:
			case 'list':
				return listMounts(context);
			case 'allow':
				return await allowRoot(context);
			case 'revoke':
				return await revokeRoot(context);
			default:
				throw new UsageError(`unknown mounts action "${args.action}": use check, list, allow or revoke`);
		}
	} catch (error) {
		stderr.write(`babybot-tui mounts: ${(error as Error).message}\n`);
		return error instanceof UsageError ? 2 : 1;
	}
}

/** The verdict on a folder for a group (main without --group), without mounting anything. */
function checkMount({args, options, allowlist, homeDir, out, needPath}: MountsContext): number {
	const target = needPath('~/notes');
	const store = openStore(options);
	let isMain = false;
	let groupFolder: string | undefined;
	try {
		const groups = store.db ? new GroupStore(store.db) : undefined;
		// Without --group the verdict is the main group's; an unknown folder counts as non-main.
		groupFolder = args.group ?? groups?.main()?.folder ?? 'main';
		isMain = args.group === undefined ? true : groups?.byFolder(args.group)?.isMain === true;
	} finally {
		store.close();
	}
	const verdict = validateMount({
		request: {hostPath: target, containerPath: args.as, readonly: !args.rw},
		allowlist: allowlist.current(),
		isMain,
		homeDir,
		groupFolder,
		protectedPaths: hostStatePaths(options.config),
	});
	if (!verdict.allowed) {
		out(`rejected: ${verdict.reason}`);
		return 1;
	}
	out(`allowed ${verdict.readonly ? 'ro' : 'rw'} ${verdict.containerPath}`);
	out(`host path ${verdict.hostPath} (root ${verdict.root})`);
	out(verdict.autoApprove ? 'an agent asking for it gets it at once (the root is marked autoApprove)' : "an agent asking for it waits for the operator's approval (the root is not marked autoApprove)");
	if (verdict.note) out(verdict.note);
	return 0;
}

/** The allowlist (roots, blocked patterns) and the requests that wait. */
function listMounts({options, allowlist, out}: MountsContext): number {
	const current = allowlist.current();
	out(`allowlist ${allowlist.file}`);
	if (!current.ok) out(`  unusable: ${current.error}`);
	else {
		out(`allowed roots${current.allowlist.allowedRoots.length ? '' : ': none'}`);
		for (const root of current.allowlist.allowedRoots) {
			const scope = root.groups ? ` for ${root.groups.join(', ')}` : '';
			out(`  ${root.allowReadWrite ? 'rw' : 'ro'} ${root.path}${scope}${root.autoApprove ? ' (agents: automatic)' : ''}${root.description ? `  (${root.description})` : ''}`);
		}
		out(`non-main groups: ${current.allowlist.nonMainReadOnly ? 'read-only' : 'as the root allows'}`);
	}
	out(`blocked patterns (always): ${defaultBlockedPatterns.join(' ')}`);
	if (current.ok && current.allowlist.blockedPatterns.length) out(`blocked patterns (yours): ${current.allowlist.blockedPatterns.join(' ')}`);
	const store = openStore(options);
	try {
		const pending = store.db ? new MountRequestStore(store.db).pending() : [];
		out(`pending requests${pending.length ? '' : ': none'}`);
		for (const r of pending) {
			const real = r.realPath && r.realPath !== r.hostPath ? ` → ${r.realPath}` : '';
			out(`  #${r.id} ${r.groupFolder} ${r.readonly ? 'ro' : 'rw'} ${r.hostPath}${real}${r.containerPath ? ` as ${r.containerPath}` : ''} (${r.source})${r.reason ? `: ${r.reason}` : ''}`);
		}
	} finally {
		store.close();
	}
	return 0;
}

async function allowRoot({args, options, allowlist, homeDir, out, needPath}: MountsContext): Promise<number> {
	const target = needPath('~/projects');
	const real = existingFolder(expandTilde(target, homeDir), target);
	const scope = {group: args.group, ...(args.auto ? {autoApprove: true} : {})};
	const {added, allowlistPath} = await throughHost(
		options,
		(host) => host.allowMountRoot(real, args.rw, scope),
		() => ({...allowlist.addAllowedRoot(real, args.rw, undefined, scope), allowlistPath: allowlist.file}),
	);
	const shown = args.group ? ` for group ${args.group}` : '';
	out(`${added ? 'allowed' : 'changed'} ${args.rw ? 'rw' : 'ro'} ${real}${shown}${args.auto ? ' (agents: automatic)' : ''} in ${allowlistPath}`);
	return 0;
}

async function revokeRoot({options, allowlist, homeDir, out, needPath}: MountsContext): Promise<number> {
	const target = needPath('~/projects');
	const expanded = expandTilde(target, homeDir);
	const {removed, allowlistPath} = await throughHost(options, (host) => host.revokeMountRoot(expanded), () => ({...allowlist.removeAllowedRoot(expanded), allowlistPath: allowlist.file}));
	out(`revoked ${target} (${removed} root${removed === 1 ? '' : 's'}) in ${allowlistPath}`);
	return 0;
}

/** Through the host that runs for this home (its view changes at once), else on the file directly. */
async function throughHost<T>(options: MountsCommandOptions, viaHost: (host: RemoteHost) => Promise<T>, direct: () => T): Promise<T> {
	const remote = await attachToRunningHost({paths: homePaths(options.config.home)});
	if (!remote) return direct();
	try {
		return await viaHost(remote);
	} finally {
		remote.close();
	}
}

function expandTilde(target: string, homeDir: string): string {
	if (target === '~') return homeDir;
	if (target.startsWith('~/')) return `${homeDir}/${target.slice(2)}`;
	return target;
}
