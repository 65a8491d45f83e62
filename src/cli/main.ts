import meow from 'meow';
import {ConfigError, loadConfig, type Config} from '../config.js';
import {runChatCommand} from './chat-command.js';
import {runDoctorCommand} from './doctor-command.js';
import {runGroupsCommand} from './groups-command.js';
import {runHostCommand} from './host-command.js';
import {runImageCommand} from './image-command.js';
import {runMountsCommand} from './mounts-command.js';
import {runPairCommand} from './pair-command.js';

const help = `
  Usage
    $ babybot-tui                      the operator UI (runs the host in-process)
    $ babybot-tui --headless           the host without UI (for services)
    $ babybot-tui chat [--group F] MESSAGE…
    $ babybot-tui groups list | add --jid JID --name NAME --folder F [--no-trigger] | remove JID|FOLDER
    $ babybot-tui mounts check PATH [--as NAME] [--rw] [--group F] | list | allow PATH [--rw] | revoke PATH
    $ babybot-tui image build [--offline]
    $ babybot-tui pair [--phone DIGITS]
    $ babybot-tui doctor

  Options
    --home PATH     state folder (BABYBOT_HOME, default ~/.babybot)
    --headless      run the host without the UI
    --version       print the version
    --help          this help

  Configuration comes from the environment and $BABYBOT_HOME/.env: ASSISTANT_NAME, OLLAMA_BASE_URL,
  OLLAMA_MODEL, CONTAINER_RUNTIME (auto|apple-container|docker|podman|none), CONTAINER_IMAGE,
  CONTAINER_TIMEOUT, CONTAINER_IDLE_TIMEOUT, CONTAINER_MAX_OUTPUT_SIZE, MAX_CONCURRENT_CONTAINERS,
  MOUNT_ALLOWLIST_PATH, LOG_LEVEL, TZ.
`;

export interface CommandIo {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
}

type CommandRunner = (args: string[], config: Config, io: CommandIo) => Promise<number>;

const commands: Record<string, CommandRunner> = {
	chat: runChatCommand,
	doctor: runDoctorCommand,
	groups: runGroupsCommand,
	mounts: (args, config, io) => runMountsCommand(args, {config, stdout: io.stdout, stderr: io.stderr}),
	image: (args, config, io) => runImageCommand(args, config, io),
	pair: (args, config, io) => runPairCommand(args, {config, stdout: io.stdout, stderr: io.stderr}),
};

/** Splits argv at the first command word, skipping the value of `--home`. */
export function splitCommand(argv: string[]): {global: string[]; command?: string; rest: string[]} {
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--home') {
			i++;
			continue;
		}
		if (!arg.startsWith('-')) return {global: argv.slice(0, i), command: arg, rest: argv.slice(i + 1)};
	}
	return {global: argv, rest: []};
}

export async function main(argv: string[], io: CommandIo = {stdout: process.stdout, stderr: process.stderr}): Promise<number> {
	const {global, command, rest} = splitCommand(argv);
	const cli = meow(help, {
		importMeta: import.meta,
		argv: global,
		flags: {
			home: {type: 'string'},
			headless: {type: 'boolean', default: false},
		},
		allowUnknownFlags: false,
	});
	if (command !== undefined && !(command in commands)) {
		io.stderr.write(`babybot-tui: unknown command "${command}": run \`babybot-tui --help\` for the list\n`);
		return 2;
	}
	let config: Config;
	try {
		config = loadConfig({flags: {BABYBOT_HOME: cli.flags.home}});
	} catch (error) {
		if (error instanceof ConfigError) {
			io.stderr.write(`babybot-tui: ${error.message}\n`);
			return 2;
		}
		throw error;
	}
	if (command) return commands[command](rest, config, io);
	return runHostCommand({config, headless: cli.flags.headless, io});
}
