import fs from 'node:fs';
import type {Config} from '../config.js';
import {MountAllowlist} from '../mounts/allowlist.js';
import {folderProblem, homePaths} from '../paths.js';
import {openDb, type Db} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {WebRequestStore} from '../store/web-requests.js';
import {checkAddresses, classifyAddress} from '../web/address-policy.js';
import {systemResolver, type Resolver} from '../web/fetcher.js';
import {entryScope, hostRulesOf, isIpHost, parseHostPattern, parseTarget, type HostRules} from '../web/host-rules.js';
import {accessNow} from '../web/web-access.js';
import {parseArgs, UsageError} from './args.js';
import type {CommandIo} from './main.js';

export const hostsHelp = `Usage
  $ babybot-tui hosts list
  $ babybot-tui hosts allow HOST [--group FOLDER] [--http] [--internal]
  $ babybot-tui hosts revoke HOST [--group FOLDER]
  $ babybot-tui hosts check URL [--group FOLDER]

The hosts an agent's web_fetch may read, kept under allowedHosts in the allowlist file
(MOUNT_ALLOWLIST_PATH). HOST is an exact host (news.example.com) or *.example.com (the domain and
every name under it). allow gives every group (or one, with --group) https access; --http allows
plain http too; --internal lets this exact host resolve to loopback, private or link-local
addresses (a machine on your network). revoke removes the host (for one group with --group).
check prints the verdict for a group (main unless --group) and why: it resolves the name but
fetches nothing. Works while a host runs: the host reads the file when it changes.
`;

export interface HostsCommandOptions {
	/** Resolves names for `check` (tests); default: the system's resolver. */
	resolve?: Resolver;
}

const actions = ['list', 'allow', 'revoke', 'check'];

function openStore(config: Config): Db | undefined {
	const file = homePaths(config.home).dbFile;
	return fs.existsSync(file) ? openDb(file) : undefined;
}

/** Checks --group FOLDER: a valid name of a registered group. */
function requireGroup(db: Db | undefined, folder: string): void {
	const problem = folderProblem(folder);
	if (problem) throw new UsageError(`--group: ${problem}`);
	if (!db) throw new Error(`no group "${folder}" yet: no host has run in this home (start one, then register the group)`);
	if (!new GroupStore(db).byFolder(folder)) throw new Error(`no group with folder "${folder}": see \`babybot-tui groups list\``);
}

function rulesOf(allowlist: MountAllowlist): HostRules {
	const {rules, error} = hostRulesOf(allowlist.current());
	if (error) throw new Error(error);
	return rules;
}

export async function runHostsCommand(argv: string[], config: Config, io: CommandIo, options: HostsCommandOptions = {}): Promise<number> {
	const cli = parseArgs(argv, {command: 'hosts', flags: {group: {type: 'string'}, http: {type: 'boolean', default: false}, internal: {type: 'boolean', default: false}}});
	const [action = 'list', target, ...extra] = cli.input;
	if (!actions.includes(action)) throw new UsageError(`unknown hosts action "${action}": use list, allow, revoke or check`);
	if (action !== 'list' && !target) throw new UsageError(`hosts ${action} needs a ${action === 'check' ? 'URL: e.g. hosts check https://example.com/' : 'host: e.g. hosts allow example.com'}`);
	const surplus = action === 'list' ? cli.input.slice(1) : extra;
	if (surplus.length) throw new UsageError(`hosts ${action} does not take "${surplus.join(' ')}": run \`babybot-tui hosts --help\``);
	const {group, http, internal} = cli.flags;
	const misplaced = [...(http && action !== 'allow' ? ['--http'] : []), ...(internal && action !== 'allow' ? ['--internal'] : []), ...(group !== undefined && action === 'list' ? ['--group'] : [])];
	if (misplaced.length) throw new UsageError(`${misplaced.join(' and ')} ${misplaced.length > 1 ? 'go' : 'goes'} with another action: run \`babybot-tui hosts --help\``);
	const out = (line: string) => io.stdout.write(`${line}\n`);
	const allowlist = new MountAllowlist({file: config.mountAllowlistPath});
	const db = openStore(config);
	try {
		if (group !== undefined) requireGroup(db, group);
		switch (action) {
			case 'list':
				return list(allowlist, db, out);
			case 'allow': {
				const pattern = parseHostPattern(target!);
				if (!pattern.ok) throw new UsageError(pattern.error);
				if (internal && pattern.wildcard) throw new UsageError(`--internal takes an exact host, not ${pattern.pattern}: list each internal machine by name`);
				const {added} = allowlist.addAllowedHost({host: pattern.pattern, ...(group ? {group} : {}), http, description: `allowed by the operator with the CLI at ${new Date().toISOString()}`}, internal);
				out(`${added ? 'allowed' : 'changed'} ${pattern.pattern} ${group ? `for ${group}` : 'for all groups'} (${http ? 'https and http' : 'https'}${internal ? ', internal' : ''}) in ${allowlist.file}`);
				return 0;
			}
			case 'revoke': {
				const pattern = parseHostPattern(target!);
				if (!pattern.ok) throw new UsageError(pattern.error);
				const {removed} = allowlist.removeAllowedHost(pattern.pattern, group);
				out(`revoked ${pattern.pattern}${group ? ` for ${group}` : ''} (${removed} entr${removed === 1 ? 'y' : 'ies'}) in ${allowlist.file}`);
				return 0;
			}
			default:
				return await check(target!, group ?? 'main', {allowlist, db, out, resolve: options.resolve ?? systemResolver});
		}
	} catch (error) {
		if (error instanceof UsageError) throw error;
		io.stderr.write(`babybot-tui hosts: ${(error as Error).message}\n`);
		return 1;
	} finally {
		db?.close();
	}
}

function list(allowlist: MountAllowlist, db: Db | undefined, out: (line: string) => void): number {
	out(`allowlist ${allowlist.file}`);
	const current = allowlist.current();
	if (!current.ok && !current.missing) out(`  unusable (no host is fetched): ${current.error}`);
	const {rules} = hostRulesOf(current);
	out(`web hosts${rules.allowedHosts.length ? '' : ': none (every web_fetch waits for the operator)'}`);
	for (const entry of rules.allowedHosts) {
		const flags = [entry.http ? 'https+http' : 'https', ...(rules.internalHosts.includes(entry.host) ? ['internal'] : [])].join(', ');
		out(`  ${entry.host}  ${entryScope(entry)}  (${flags})${entry.description ? `  ${entry.description}` : ''}`);
	}
	if (rules.internalHosts.length) out(`internal hosts: ${rules.internalHosts.join(' ')}`);
	const pending = db ? new WebRequestStore(db).pending() : [];
	out(`pending web requests${pending.length ? '' : ': none'}`);
	for (const request of pending) out(`  #${request.id} ${request.groupFolder} ${request.url} (since ${request.createdAt}): ${request.reason}`);
	return 0;
}

interface CheckParts {
	allowlist: MountAllowlist;
	db: Db | undefined;
	out: (line: string) => void;
	resolve: Resolver;
}

/** The verdict for a URL and why; exit 0 when a fetch would go ahead. */
async function check(url: string, groupFolder: string, {allowlist, db, out, resolve}: CheckParts): Promise<number> {
	const parsed = parseTarget(url);
	if (!parsed.ok) {
		out(`refused: ${parsed.error}`);
		return 1;
	}
	const {target} = parsed;
	const latest = db ? new WebRequestStore(db).latestFor(groupFolder, target.host) : undefined;
	const rules = rulesOf(allowlist);
	const {verdict} = accessNow({target, groupFolder, rules, latest});
	if (verdict.decision === 'refuse') {
		out(`refused: ${verdict.why}`);
		return 1;
	}
	out(verdict.decision === 'allow' ? `allowed: ${verdict.why}` : `waits for the operator: ${verdict.why}`);
	let addresses: string[];
	try {
		addresses = isIpHost(target.host) ? [target.host.replace(/^\[|\]$/g, '')] : (await resolve(target.host)).map((found) => found.address);
	} catch (error) {
		out(`address: ${target.host} could not be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
		return 1;
	}
	const described = addresses.map((address) => {
		const found = classifyAddress(address);
		return `${address} (${found.kind === 'public' ? 'public' : found.what})`;
	});
	out(`address: ${target.host} → ${described.join(', ')}`);
	const addressVerdict = checkAddresses(target.host, addresses, rules.internalHosts.includes(target.host));
	if (!addressVerdict.ok) {
		out(`refused: ${addressVerdict.reason}`);
		return 1;
	}
	return verdict.decision === 'allow' ? 0 : 1;
}
