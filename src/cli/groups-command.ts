import path from 'node:path';
import type {Config} from '../config.js';
import {homePaths} from '../paths.js';
import {openDb} from '../store/db.js';
import {GroupStore, newGroup} from '../store/groups.js';
import {parseMountSpec} from '../../container/agent-runner/src/mount-spec.js';
import type {HostApi} from '../api/host-api.js';
import type {ExtraMountSpec, RegisteredGroup} from '../api/types.js';
import {attachToRunningHost} from '../control/attach.js';
import {parseArgs, UsageError} from './args.js';
import type {CommandIo} from './main.js';

export const groupsHelp = `Usage
  $ babybot-tui groups list
  $ babybot-tui groups add --jid JID --name NAME --folder FOLDER [--no-trigger] [--mount PATH[:rw]]… [--network]
  $ babybot-tui groups remove JID|FOLDER

--network gives the group's sandbox the runtime's default network (off for every group otherwise;
an agent can never turn it on). Under gVisor such a group is refused: runsc runs with --network=none.
Goes through the host that runs for this home, if one does.
`;

/** `PATH` or `PATH:rw` (a trailing `:ro` is accepted too). */
function parseMountFlag(value: string): ExtraMountSpec {
	const spec = parseMountSpec(value);
	if (!spec) throw new Error(`--mount "${value}" has no path: use --mount ~/notes or --mount ~/code:rw`);
	return spec;
}

export async function runGroupsCommand(args: string[], config: Config, io: CommandIo): Promise<number> {
	const cli = parseArgs(args, {
		command: 'groups',
		flags: {
			jid: {type: 'string'},
			name: {type: 'string'},
			folder: {type: 'string'},
			trigger: {type: 'boolean', default: true},
			mount: {type: 'string', isMultiple: true},
			network: {type: 'boolean', default: false},
		},
	});
	const [action = 'list', target, ...extra] = cli.input;
	if (!['list', 'add', 'remove'].includes(action)) throw new UsageError(`unknown groups action "${action}": use list, add or remove`);
	const surplus = action === 'remove' ? extra : cli.input.slice(1);
	if (surplus.length > 0) throw new UsageError(`groups ${action} does not take "${surplus.join(' ')}": run \`babybot-tui groups --help\``);
	try {
		const remote = await attachToRunningHost({paths: homePaths(config.home)});
		try {
			return await groupsAction(action, target, cli.flags, config, io, remote ?? storeGroups(config));
		} finally {
			remote?.close();
		}
	} catch (error) {
		if (error instanceof UsageError) throw error;
		io.stderr.write(`babybot-tui groups: ${(error as Error).message}\n`);
		return 1;
	}
}

/** What `groups` needs of a host: the running one's calls, or the store when none runs. */
type GroupsBackend = Pick<HostApi, 'registerGroup' | 'unregisterGroup'> & {snapshot(): {groups: RegisteredGroup[]}};

function storeGroups(config: Config): GroupsBackend {
	const withStore = <T>(act: (groups: GroupStore) => T): T => {
		const db = openDb(homePaths(config.home).dbFile);
		try {
			return act(new GroupStore(db));
		} finally {
			db.close();
		}
	};
	return {
		snapshot: () => ({groups: withStore((groups) => groups.all())}),
		async registerGroup(input) {
			const group = newGroup(input, config.trigger);
			withStore((groups) => groups.add(group));
			return group;
		},
		async unregisterGroup(target) {
			return withStore((groups) => {
				const found = groups.byJid(target) ?? groups.byFolder(target);
				if (!found) throw new Error(`no registered group "${target}": see \`babybot-tui groups list\``);
				if (found.isMain) throw new Error('the main group cannot be removed: it is the local chat of the operator');
				return groups.remove(found.jid)!.group;
			});
		},
	};
}

interface GroupsFlags {
	jid?: string;
	name?: string;
	folder?: string;
	trigger: boolean;
	mount?: string[];
	network: boolean;
}

async function groupsAction(action: string, target: string | undefined, flags: GroupsFlags, config: Config, io: CommandIo, backend: GroupsBackend): Promise<number> {
	switch (action) {
		case 'list': {
			const all = backend.snapshot().groups;
			if (all.length === 0) io.stdout.write('no groups yet: the main group is created when the host first starts\n');
			for (const g of all) {
				const rule = g.isMain ? 'main' : g.requiresTrigger ? `trigger ${g.trigger}` : 'no trigger';
				const mounts = g.extraMounts.length ? `\tmounts: ${g.extraMounts.map((m) => m.hostPath).join(', ')}` : '';
				io.stdout.write(`${g.folder}\t${g.jid}\t${g.name}\t${rule}${g.network ? '\tnetwork' : ''}${mounts}\n`);
			}
			return 0;
		}
		case 'add': {
			const {jid, name, folder} = flags;
			if (!jid || !name || !folder) throw new Error('groups add needs --jid, --name and --folder: e.g. groups add --jid 123@g.us --name Family --folder family');
			const extraMounts = (flags.mount ?? []).map(parseMountFlag);
			await backend.registerGroup({jid, name, folder, requiresTrigger: flags.trigger, extraMounts, network: flags.network});
			io.stdout.write(`registered ${name} (${jid}) in ${path.join(config.home, 'groups', folder)}\n`);
			if (flags.network) io.stdout.write('its sandbox has network: what it runs can reach the internet and your local network\n');
			return 0;
		}
		case 'remove': {
			if (!target) throw new Error('groups remove needs a JID or a folder: e.g. groups remove family');
			const removed = await backend.unregisterGroup(target);
			io.stdout.write(`removed ${removed.name} (${removed.jid}); its folder is kept and its tasks are paused (resume them once it is registered again)\n`);
			return 0;
		}
		default:
			throw new UsageError(`unknown groups action "${action}": use list, add or remove`);
	}
}
