import fs from 'node:fs';
import path from 'node:path';
import {projectRoot, type Config} from '../config.js';
import {attachToRunningHost} from '../control/attach.js';
import {homeProblem} from '../control/control-dir.js';
import {findPinnedNode} from '../image/pinned-node.js';
import {homePaths} from '../paths.js';
import {binPath, type ServiceSpec} from '../service/service-files.js';
import {followFile, formatLogLine, lastLines} from '../service/log-tail.js';
import {run, serviceManager, type ServiceManager} from '../service/service-manager.js';
import {parseArgs, UsageError} from './args.js';
import type {CommandIo} from './main.js';

export const serviceHelp = `Usage
  $ babybot-tui service install [--dry-run]   run the host as a service of this user (headless, restarted on failure)
  $ babybot-tui service uninstall             stop it and remove the service file
  $ babybot-tui service status                installed? loaded? answering on the control socket?
  $ babybot-tui service logs [-f] [-n LINES]  the service's log ($BABYBOT_HOME/logs/service.log)

A systemd user unit on Linux, a launchd LaunchAgent on macOS, for this home (--home) and the Node
this package pins. --dry-run prints the file instead of writing it. Settings for the service go in
$BABYBOT_HOME/.env. \`babybot-tui\` and the other commands attach to the running service.
`;

/** The service's stdout and stderr. */
export const serviceLogFile = (config: Config) => homePaths(config.home).serviceLogFile;

function specFor(config: Config): ServiceSpec {
	return {node: findPinnedNode(projectRoot).path, bin: binPath, home: config.home, logFile: serviceLogFile(config), pathEnv: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'};
}

export interface ServiceCommandOptions {
	/** The service manager to use (tests pass one for the other platform). */
	manager?: ServiceManager;
}

export async function runServiceCommand(args: string[], config: Config, io: CommandIo, options: ServiceCommandOptions = {}): Promise<number> {
	try {
		return await serviceAction(args, config, io, options);
	} catch (error) {
		if (error instanceof UsageError) throw error;
		io.stderr.write(`babybot-tui service: ${(error as Error).message}\n`);
		return 1;
	}
}

async function serviceAction(args: string[], config: Config, io: CommandIo, options: ServiceCommandOptions): Promise<number> {
	const cli = parseArgs(args, {command: 'service', flags: {dryRun: {type: 'boolean', default: false}, follow: {type: 'boolean', shortFlag: 'f', default: false}, lines: {type: 'string', shortFlag: 'n'}}});
	const [action, ...extra] = cli.input;
	if (extra.length) throw new UsageError(`service ${action} takes no "${extra.join(' ')}": run \`babybot-tui service --help\``);
	const manager = options.manager ?? serviceManager();
	const out = (line: string) => io.stdout.write(line + '\n');
	switch (action) {
		case 'install': {
			const problem = fs.existsSync(config.home) ? homeProblem(config.home, fs.statSync(config.home)) : null;
			if (problem) throw new Error(`the service would refuse to start: ${problem}`);
			const text = manager.render(specFor(config));
			if (cli.flags.dryRun) {
				io.stderr.write(`babybot-tui service: would write ${manager.file}, then run: ${manager.loadCommands().map((argv) => argv.join(' ')).join('; ')}\n`);
				io.stdout.write(text);
				return 0;
			}
			fs.mkdirSync(path.dirname(manager.file), {recursive: true});
			fs.mkdirSync(path.dirname(serviceLogFile(config)), {recursive: true});
			fs.writeFileSync(manager.file, text);
			out(`wrote ${manager.file}`);
			for (const argv of manager.loadCommands()) {
				const result = await run(argv);
				if (!result.ok) throw new Error(`\`${argv.join(' ')}\` failed (${result.output.split('\n')[0]}): the file is written; load it by hand, or run \`babybot-tui service uninstall\``);
			}
			out(`loaded by ${manager.kind}: it starts now and at every login; \`babybot-tui service status\` tells whether it answers`);
			return 0;
		}
		case 'uninstall': {
			if (!fs.existsSync(manager.file)) {
				out(`not installed (no ${manager.file})`);
				return 0;
			}
			for (const argv of manager.unloadCommands()) {
				const result = await run(argv);
				if (!result.ok) io.stderr.write(`babybot-tui service: \`${argv.join(' ')}\`: ${result.output.split('\n')[0]}\n`);
			}
			fs.rmSync(manager.file);
			out(`removed ${manager.file}; the service is stopped`);
			return 0;
		}
		case 'status':
			return serviceStatus(config, manager, out);
		case 'logs':
			return serviceLogs(config, io, {follow: cli.flags.follow, lines: cli.flags.lines});
		default:
			throw new UsageError(`${action ? `unknown service action "${action}"` : 'service needs an action'}: use install, uninstall, status or logs`);
	}
}

async function serviceStatus(config: Config, manager: ServiceManager, out: (line: string) => void): Promise<number> {
	const installed = fs.existsSync(manager.file);
	out(`installed  ${installed ? `yes: ${manager.file}` : `no: run \`babybot-tui service install\``}`);
	const loaded = installed ? await manager.loaded() : {loaded: false, detail: 'not installed'};
	out(`loaded     ${loaded.loaded ? 'yes' : 'no'} (${loaded.detail})`);
	const paths = homePaths(config.home);
	const remote = await attachToRunningHost({paths, waitMs: 2000}).catch((error: Error) => error);
	if (remote instanceof Error) out(`answering  no: ${remote.message}`);
	else if (!remote) out(`answering  no: no host runs for ${config.home}`);
	else {
		out(`answering  yes: host pid ${remote.pid} on ${paths.socketFile}`);
		remote.close();
	}
	return installed && loaded.loaded && remote && !(remote instanceof Error) ? 0 : 1;
}

async function serviceLogs(config: Config, io: CommandIo, options: {follow: boolean; lines?: string}): Promise<number> {
	const count = options.lines === undefined ? 50 : Number(options.lines);
	if (!Number.isInteger(count) || count < 0) throw new UsageError(`-n ${options.lines} is not a number of lines: e.g. -n 100`);
	const file = serviceLogFile(config);
	if (!fs.existsSync(file) && !options.follow) {
		io.stderr.write(`babybot-tui service: no log yet (${file}): is the service installed? See \`babybot-tui service status\`\n`);
		return 1;
	}
	const {lines, end} = fs.existsSync(file) ? lastLines(file, count) : {lines: [], end: 0};
	for (const line of lines) io.stdout.write(formatLogLine(line) + '\n');
	if (!options.follow) return 0;
	const stop = followFile(file, end, (line) => io.stdout.write(formatLogLine(line) + '\n'));
	await new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	stop();
	return 0;
}
