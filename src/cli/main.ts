import fs from 'node:fs';
import path from 'node:path';
import {ConfigError, loadConfig, projectRoot, type Config} from '../config.js';
import {beforeSeparator, extractHome, helpHint, isHelpFlag, UsageError} from './args.js';
import {chatHelp, runChatCommand} from './chat-command.js';
import {doctorHelp, runDoctorCommand} from './doctor-command.js';
import {groupsHelp, runGroupsCommand} from './groups-command.js';
import {hostsHelp, runHostsCommand} from './hosts-command.js';
import {runHostCommand} from './host-command.js';
import {imageHelp, runImageCommand} from './image-command.js';
import {mountsHelp, runMountsCommand} from './mounts-command.js';
import {pairHelp, runPairCommand} from './pair-command.js';
import {runSandboxCommand, sandboxHelp} from './sandbox-command.js';
import {runServiceCommand, serviceHelp} from './service-command.js';
import {runTasksCommand, tasksHelp} from './tasks-command.js';

export const mainHelp = `BabyBot: a personal AI assistant host, steered from the terminal.

Usage
  $ babybot-tui                      the operator UI (attaches to the running host, or runs one in-process)
  $ babybot-tui --headless           the host without UI (for services); UIs and commands attach to it
  $ babybot-tui chat [--group F] MESSAGE…
  $ babybot-tui groups list | add --jid JID --name NAME --folder F [--no-trigger] [--mount PATH[:rw]] [--network] | remove JID|FOLDER
  $ babybot-tui mounts check PATH [--as NAME] [--rw] [--group F] | list | allow PATH [--rw] | revoke PATH
  $ babybot-tui hosts list | allow HOST [--group F] [--http] [--internal] | revoke HOST [--group F] | check URL [--group F]
  $ babybot-tui image build [--offline]
  $ babybot-tui tasks list [--group F] | pause ID | resume ID | run ID | delete ID | misfire ID POLICY
  $ babybot-tui pair [--phone DIGITS]
  $ babybot-tui service install [--dry-run] | uninstall | status | logs [-f]
  $ babybot-tui sandbox check [--group F] [--runtime R]
  $ babybot-tui doctor
  $ babybot-tui COMMAND --help       that command's help

Options
  --home PATH     state folder (BABYBOT_HOME, default ~/.babybot); any command takes it
  --headless      run the host without the UI
  --version       print the version
  --help          this help

Configuration comes from the environment and $BABYBOT_HOME/.env: ASSISTANT_NAME, OLLAMA_BASE_URL,
OLLAMA_MODEL, OLLAMA_STALL_TIMEOUT, CONTAINER_RUNTIME (auto|apple-container|docker|podman|gvisor|none), CONTAINER_IMAGE,
CONTAINER_TIMEOUT, CONTAINER_IDLE_TIMEOUT, CONTAINER_MAX_OUTPUT_SIZE, MAX_CONCURRENT_CONTAINERS,
MOUNT_ALLOWLIST_PATH, LOG_LEVEL, TZ.
`;

export interface CommandIo {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
}

type CommandRunner = (args: string[], config: Config, io: CommandIo) => Promise<number>;

const commands: Record<string, {help: string; run: CommandRunner}> = {
	chat: {help: chatHelp, run: runChatCommand},
	doctor: {help: doctorHelp, run: runDoctorCommand},
	groups: {help: groupsHelp, run: runGroupsCommand},
	hosts: {help: hostsHelp, run: (args, config, io) => runHostsCommand(args, config, io)},
	mounts: {help: mountsHelp, run: (args, config, io) => runMountsCommand(args, {config, stdout: io.stdout, stderr: io.stderr})},
	image: {help: imageHelp, run: (args, config, io) => runImageCommand(args, config, io)},
	pair: {help: pairHelp, run: (args, config, io) => runPairCommand(args, {config, stdout: io.stdout, stderr: io.stderr})},
	sandbox: {help: sandboxHelp, run: runSandboxCommand},
	service: {help: serviceHelp, run: (args, config, io) => runServiceCommand(args, config, io)},
	tasks: {help: tasksHelp, run: runTasksCommand},
};

export interface ParsedCommandLine {
	home?: string;
	headless: boolean;
	version: boolean;
	help: boolean;
	command?: string;
	/** The command's own arguments (without `--home`). */
	rest: string[];
}

/** `--home` anywhere; `--headless`, `--version` and `--help` before the command word; throws UsageError. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
	const {home, rest: args} = extractHome(argv);
	const parsed: ParsedCommandLine = {home, headless: false, version: false, help: false, rest: []};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (arg === '--version' || arg === '-v') parsed.version = true;
		else if (isHelpFlag(arg)) parsed.help = true;
		else if (arg === '--headless') parsed.headless = true;
		else if (arg.startsWith('-')) throw new UsageError(`unknown flag ${arg.split('=')[0]}: ${helpHint()}`);
		else {
			parsed.command = arg;
			parsed.rest = args.slice(i + 1);
			break;
		}
	}
	return parsed;
}

export function packageVersion(): string {
	return (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string}).version;
}

export async function main(argv: string[], io: CommandIo = {stdout: process.stdout, stderr: process.stderr}): Promise<number> {
	let line: ParsedCommandLine;
	try {
		line = parseCommandLine(argv);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.stderr.write(`babybot-tui: ${error.message}\n`);
		return 2;
	}
	const {command} = line;
	const known = command === undefined ? undefined : commands[command];
	if (line.version) {
		io.stdout.write(`${packageVersion()}\n`);
		return 0;
	}
	if (command !== undefined && !known) {
		if (line.help) {
			io.stdout.write(mainHelp);
			return 0;
		}
		io.stderr.write(`babybot-tui: unknown command "${command}": run \`babybot-tui --help\` for the list\n`);
		return 2;
	}
	if (line.help || beforeSeparator(line.rest).some(isHelpFlag)) {
		io.stdout.write(known ? known.help : mainHelp);
		return 0;
	}
	if (line.headless && command !== undefined) {
		io.stderr.write(`babybot-tui: --headless starts the host and takes no command: run \`babybot-tui --headless\` alone\n`);
		return 2;
	}
	let config: Config;
	try {
		config = loadConfig({flags: {BABYBOT_HOME: line.home}});
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		io.stderr.write(`babybot-tui: ${error.message}\n`);
		return 2;
	}
	if (!known) return runHostCommand({config, headless: line.headless, io});
	try {
		return await known.run(line.rest, config, io);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.stderr.write(`babybot-tui ${command}: ${error.message}\n`);
		return 2;
	}
}
