import path from 'node:path';
import type {Config} from '../config.js';
import {homePaths, folderProblem} from '../paths.js';
import {openDb} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {parseMountSpec} from '../../container/agent-runner/src/mount-spec.js';
import type {ExtraMountSpec} from '../types.js';
import {parseArgs, UsageError} from './args.js';
import type {CommandIo} from './main.js';

export const groupsHelp = `Usage
  $ babybot-tui groups list
  $ babybot-tui groups add --jid JID --name NAME --folder FOLDER [--no-trigger] [--mount PATH[:rw]]… [--network]
  $ babybot-tui groups remove JID|FOLDER

--network gives the group's sandbox the runtime's default network (off for every group otherwise;
an agent can never turn it on). Under gVisor such a group is refused: runsc runs with --network=none. Works while a host runs: the host picks changes up at the next message.
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
	const db = openDb(homePaths(config.home).dbFile);
	const groups = new GroupStore(db);
	try {
		switch (action) {
			case 'list': {
				const all = groups.all();
				if (all.length === 0) io.stdout.write('no groups yet: the main group is created when the host first starts\n');
				for (const g of all) {
					const rule = g.isMain ? 'main' : g.requiresTrigger ? `trigger ${g.trigger}` : 'no trigger';
					const mounts = g.extraMounts.length ? `\tmounts: ${g.extraMounts.map((m) => m.hostPath).join(', ')}` : '';
					io.stdout.write(`${g.folder}\t${g.jid}\t${g.name}\t${rule}${g.network ? '\tnetwork' : ''}${mounts}\n`);
				}
				return 0;
			}
			case 'add': {
				const {jid, name, folder} = cli.flags;
				if (!jid || !name || !folder) throw new Error('groups add needs --jid, --name and --folder: e.g. groups add --jid 123@g.us --name Family --folder family');
				const problem = folderProblem(folder);
				if (problem) throw new Error(problem);
				const mounts = (cli.flags.mount ?? []).map(parseMountFlag);
				groups.add({
					jid,
					name,
					folder,
					trigger: config.trigger,
					requiresTrigger: cli.flags.trigger,
					isMain: false,
					addedAt: new Date().toISOString(),
					extraMounts: mounts,
					network: cli.flags.network,
				});
				io.stdout.write(`registered ${name} (${jid}) in ${path.join(config.home, 'groups', folder)}\n`);
				if (cli.flags.network) io.stdout.write('its sandbox has network: what it runs can reach the internet and your local network\n');
				return 0;
			}
			case 'remove': {
				if (!target) throw new Error('groups remove needs a JID or a folder: e.g. groups remove family');
				const found = groups.byJid(target) ?? groups.byFolder(target);
				if (!found) throw new Error(`no registered group "${target}": see \`babybot-tui groups list\``);
				if (found.isMain) throw new Error('the main group cannot be removed: it is the local chat of the operator');
				const {group: removed, pausedTasks} = groups.remove(found.jid)!;
				io.stdout.write(`removed ${removed.name} (${removed.jid}); its folder is kept${pausedTasks ? `; its ${pausedTasks} active task${pausedTasks === 1 ? ' is' : 's are'} paused` : ''}\n`);
				return 0;
			}
			default:
				throw new UsageError(`unknown groups action "${action}": use list, add or remove`);
		}
	} catch (error) {
		io.stderr.write(`babybot-tui groups: ${(error as Error).message}\n`);
		return 1;
	} finally {
		db.close();
	}
}
