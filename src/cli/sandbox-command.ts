import path from 'node:path';
import pino from 'pino';
import type {Config} from '../config.js';
import {checkGroupSandbox, sandboxShape, type GroupSandboxDeps} from '../host/group-sandbox.js';
import {prepareHome} from '../host/home-setup.js';
import {installLabelFor} from '../host/sandbox-spec.js';
import {verdictCacheFile} from '../host/sandbox-verdicts.js';
import {imageIdentity} from '../image/image-staleness.js';
import {MountAllowlist} from '../mounts/allowlist.js';
import {MountApprovals} from '../mounts/mount-requests.js';
import {homePaths} from '../paths.js';
import {formatCheckLine} from '../sandbox-check/properties.js';
import {VerdictCache} from '../sandbox-check/verdict-cache.js';
import {openDb} from '../store/db.js';
import {GroupStore} from '../store/groups.js';
import {MountRequestStore} from '../store/mount-requests.js';
import type {RuntimeSetting} from '../api/types.js';
import {parseArgs, UsageError} from './args.js';
import type {CommandIo} from './main.js';
import {runtimeLabel, selectLauncher} from './launcher.js';

export const sandboxHelp = `Usage
  $ babybot-tui sandbox check [--group FOLDER] [--runtime RUNTIME]

Starts the group's sandbox (default: main) exactly as a run would (the same argv, mounts and
limits) with a small probe in place of the agent, and prints one line per property: not root, no
capabilities, only loopback, no engine socket, read-only root, the project read-only with .env
hidden (main) or absent, other groups' folders invisible, global memory read-only (not main), no
model host or credential in the environment, the pids and memory limits, and under gVisor its
kernel. Exits 0 only when every property holds. --runtime takes a CONTAINER_RUNTIME value
(auto, apple-container, docker, podman, gvisor, none).
`;

const runtimes: RuntimeSetting[] = ['auto', 'apple-container', 'docker', 'podman', 'gvisor', 'none'];

/** `babybot-tui sandbox check`: the sandbox contract, proven from inside one group's sandbox. */
export async function runSandboxCommand(args: string[], config: Config, io: CommandIo): Promise<number> {
	const cli = parseArgs(args, {command: 'sandbox', flags: {group: {type: 'string', default: 'main'}, runtime: {type: 'string'}}});
	const [action, ...extra] = cli.input;
	if (action !== 'check') throw new UsageError(`${action === undefined ? 'missing action' : `unknown sandbox action "${action}"`}: use \`babybot-tui sandbox check [--group F] [--runtime R]\``);
	if (extra.length > 0) throw new UsageError(`sandbox check does not take "${extra.join(' ')}": run \`babybot-tui sandbox --help\``);
	const runtime = cli.flags.runtime?.trim().toLowerCase();
	if (runtime !== undefined && !runtimes.includes(runtime as RuntimeSetting)) throw new UsageError(`--runtime ${cli.flags.runtime} is not one of ${runtimes.join(', ')}`);
	const checked: Config = runtime ? {...config, containerRuntime: runtime as RuntimeSetting} : config;

	let launcher;
	try {
		launcher = await selectLauncher(checked);
	} catch (error) {
		io.stderr.write(`babybot-tui sandbox check: ${(error as Error).message}\n`);
		return 1;
	}
	const paths = {...homePaths(config.home), syncedSkillsDir: path.join(config.home, 'skills-synced')};
	const db = openDb(paths.dbFile);
	const allowlist = new MountAllowlist({file: config.mountAllowlistPath});
	try {
		const groups = new GroupStore(db);
		prepareHome(config, paths, groups);
		const group = groups.byFolder(cli.flags.group);
		if (!group) throw new UsageError(`no group with folder "${cli.flags.group}": see \`babybot-tui groups list\``);
		const approvals = new MountApprovals({store: new MountRequestStore(db), allowlist, logger: pino({level: 'silent'})});
		const deps: GroupSandboxDeps = {config: checked, paths, installLabel: installLabelFor(config.home), launcher, extraMounts: (g) => approvals.resolveGroupMounts(g)};
		const imageId = await imageIdentity(checked, {runtime: launcher.name, engine: launcher.engine});
		io.stdout.write(`sandbox check of ${group.folder} on ${launcher.sandboxed ? runtimeLabel(launcher) : 'none (UNSANDBOXED)'}, image ${checked.containerImage}${imageId ? ` (${imageId.slice(0, 19)})` : ''}\n`);
		const result = await checkGroupSandbox(deps, group, groups.all());
		const lines = result.lines.map(formatCheckLine);
		for (const text of lines) io.stdout.write(`${text}\n`);
		if (imageId) {
			new VerdictCache(verdictCacheFile(config.home)).set(
				{runtime: launcher.name, engine: launcher.engine, imageId, folder: group.folder, shape: sandboxShape(group)},
				{ok: result.ok, lines, checkedAt: new Date().toISOString()},
			);
		}
		return result.ok ? 0 : 1;
	} finally {
		allowlist.close();
		db.close();
	}
}
