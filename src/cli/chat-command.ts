import type {Config} from '../config.js';
import {createHost, type Host} from '../host/create-host.js';
import {HostLockedError} from '../host/lock.js';
import {localJid} from '../channels/local-chat.js';
import {parseArgs} from './args.js';
import type {CommandIo} from './main.js';
import {unsandboxedWarning} from '../runtimes/none-limits.js';
import {safeTerminalText} from '../terminal-text.js';
import {selectLauncher} from './launcher.js';

export const chatHelp = `Usage
  $ babybot-tui chat [--group FOLDER] MESSAGE…

Sends MESSAGE as the local operator to the group (default: main), prints the agent's
replies and exits 0 when the run is done; non-zero with a one-line error otherwise.
Put \`--\` before a message that starts with a dash. While a host runs for this home,
chat from its UI (press c) instead.
`;

export async function runChatCommand(args: string[], config: Config, io: CommandIo): Promise<number> {
	const cli = parseArgs(args, {command: 'chat', flags: {group: {type: 'string', default: 'main'}}});
	const text = cli.input.join(' ').trim();
	if (!text) {
		io.stderr.write('babybot-tui chat: no message given: run `babybot-tui chat "hello"`\n');
		return 2;
	}
	let host: Host;
	try {
		host = await createHost({config, launcher: await selectLauncher(config)});
	} catch (error) {
		if (!(error instanceof HostLockedError)) throw error;
		io.stderr.write(`babybot-tui chat: ${error.holder}: chat from its UI (press c), or stop it first (q in its UI, or kill ${error.pid})\n`);
		return 1;
	}
	const folder = cli.flags.group;
	if (!host.groupOfFolder(folder)) {
		await host.stop();
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
	let finished: () => void = () => {};
	const done = new Promise<void>((resolve) => (finished = resolve));
	const consider = (event: Event): void => {
		if (sent === undefined) return void seen.push(event);
		if (event.kind === 'reply' && (event.throughSeq ?? sent) >= sent) io.stdout.write(safeTerminalText(event.text) + '\n');
		if (event.kind === 'turn' && (event.throughSeq ?? 0) >= sent) {
			if (!event.ok) failure = event.error ?? 'the agent failed';
			finished();
		}
	};
	host.events.on('reply', (reply) => reply.chatJid === chatJid && !reply.error && consider({kind: 'reply', text: reply.text, throughSeq: reply.throughSeq}));
	host.events.on('turn', (turn) => turn.chatJid === chatJid && consider({kind: 'turn', ok: turn.ok, error: turn.error, throughSeq: turn.throughSeq}));
	const stopOnSignal = () => void host.stop().then(() => process.exit(130));
	process.once('SIGINT', stopOnSignal);
	process.once('SIGTERM', stopOnSignal);
	try {
		await host.start();
		sent = (await host.sendLocalMessage(folder, text)).seq;
		for (const event of seen.splice(0)) consider(event);
		await done;
	} finally {
		await host.stop();
		process.off('SIGINT', stopOnSignal);
		process.off('SIGTERM', stopOnSignal);
	}
	if (failure) {
		io.stderr.write(`babybot-tui chat: ${safeTerminalText(failure)}\n`);
		return 1;
	}
	return 0;
}
