import type {HostApi} from '../api/host-api.js';
import {localJid} from '../channels/local-chat.js';
import type {Config} from '../config.js';
import {attachToRunningHost} from '../control/attach.js';
import {createHost} from '../host/create-host.js';
import {HostLockedError} from '../host/lock.js';
import {homePaths} from '../paths.js';
import {parseArgs} from './args.js';
import type {CommandIo} from './main.js';
import {unsandboxedWarning} from '../runtimes/none-limits.js';
import {safeTerminalText} from '../terminal-text.js';
import {selectLauncher} from './launcher.js';

export const chatHelp = `Usage
  $ babybot-tui chat [--group FOLDER] MESSAGE…

Sends MESSAGE as the local operator to the group (default: main), prints the agent's
replies and exits 0 when the run is done; non-zero with a one-line error otherwise.
Put \`--\` before a message that starts with a dash. Goes through the host that runs for
this home (a service, a UI); with none, starts one for the message and stops it after.
`;

/** The host the message goes to: the running one (attached), else one started here for this message. */
interface ChatHost {
	host: HostApi;
	start(): Promise<void>;
	/** Detaches, or stops the host started here. */
	leave(): Promise<void>;
}

async function openChatHost(config: Config): Promise<ChatHost> {
	const remote = await attachToRunningHost({paths: homePaths(config.home)});
	if (remote) return {host: remote, start: async () => {}, leave: async () => remote.close()};
	try {
		const host = await createHost({config, launcher: await selectLauncher(config)});
		return {host, start: () => host.start(), leave: () => host.stop()};
	} catch (error) {
		// A host started meanwhile: use that one.
		if (error instanceof HostLockedError) return openChatHost(config);
		throw error;
	}
}

/** The one place `chat` prints what the agent answered (made safe for the terminal). */
function printAnswer(io: CommandIo, text: string): void {
	io.stdout.write(safeTerminalText(text) + '\n');
}

export async function runChatCommand(args: string[], config: Config, io: CommandIo): Promise<number> {
	const cli = parseArgs(args, {command: 'chat', flags: {group: {type: 'string', default: 'main'}}});
	const text = cli.input.join(' ').trim();
	if (!text) {
		io.stderr.write('babybot-tui chat: no message given: run `babybot-tui chat "hello"`\n');
		return 2;
	}
	let chat: ChatHost;
	try {
		chat = await openChatHost(config);
	} catch (error) {
		io.stderr.write(`babybot-tui chat: ${(error as Error).message}\n`);
		return 1;
	}
	const {host} = chat;
	const folder = cli.flags.group;
	if (!host.snapshot().groups.some((group) => group.folder === folder)) {
		await chat.leave();
		io.stderr.write(`babybot-tui chat: no group with folder "${folder}": see \`babybot-tui groups list\`\n`);
		return 2;
	}
	if (!host.snapshot().runtime.sandboxed) io.stderr.write(`babybot-tui chat: ${unsandboxedWarning(process.getuid?.() === 0)}\n`);
	const chatJid = localJid(folder);
	// Earlier unanswered messages of this chat may be answered first (after a crash); only the turn
	// that covers this message (its sequence) decides what is printed and the exit status. Events
	// are kept until that sequence is known: a host command is answered before sending returns.
	type Event = {kind: 'reply'; text: string; throughSeq?: number} | {kind: 'turn'; ok: boolean; error?: string; throughSeq?: number};
	const seen: Event[] = [];
	let sent: number | undefined;
	let failure: string | undefined;
	let settled = false;
	let settle: () => void = () => {};
	const done = new Promise<void>((resolve) => (settle = resolve));
	const finished = () => {
		settled = true;
		settle();
	};
	const consider = (event: Event): void => {
		if (sent === undefined) return void seen.push(event);
		if (event.kind === 'reply' && (event.throughSeq ?? sent) >= sent) printAnswer(io, event.text);
		if (event.kind === 'turn' && (event.throughSeq ?? 0) >= sent) {
			if (!event.ok) failure = event.error ?? 'the agent failed';
			finished();
		}
	};
	host.events.on('reply', (reply) => reply.chatJid === chatJid && !reply.error && consider({kind: 'reply', text: reply.text, throughSeq: reply.throughSeq}));
	host.events.on('turn', (turn) => turn.chatJid === chatJid && consider({kind: 'turn', ok: turn.ok, error: turn.error, throughSeq: turn.throughSeq}));
	host.events.on('stopping', ({reason}) => {
		if (settled) return;
		failure = `${reason} before answering`;
		finished();
	});
	const stopOnSignal = () => void chat.leave().then(() => process.exit(130));
	process.once('SIGINT', stopOnSignal);
	process.once('SIGTERM', stopOnSignal);
	try {
		await chat.start();
		sent = (await host.sendLocalMessage(folder, text)).seq;
		for (const event of seen.splice(0)) consider(event);
		await done;
	} catch (error) {
		failure = (error as Error).message;
	} finally {
		await chat.leave();
		process.off('SIGINT', stopOnSignal);
		process.off('SIGTERM', stopOnSignal);
	}
	if (failure) {
		io.stderr.write(`babybot-tui chat: ${safeTerminalText(failure)}\n`);
		return 1;
	}
	return 0;
}
