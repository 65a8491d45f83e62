import type {Config} from '../config.js';
import {createHost, type Host} from '../host/create-host.js';
import {HostLockedError} from '../host/lock.js';
import {localJid} from '../channels/local-chat.js';
import {parseArgs} from './args.js';
import type {CommandIo} from './main.js';
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
	const chatJid = localJid(folder);
	// Earlier unanswered messages of this chat may be answered first (after a crash); only the turn
	// that covers this message (its sequence `sent`) decides what is printed and the exit status.
	let sent = Number.POSITIVE_INFINITY;
	let failure: string | undefined;
	const done = new Promise<void>((resolve) => {
		host.events.on('reply', (reply) => {
			if (reply.chatJid === chatJid && !reply.error && (reply.throughSeq ?? sent) >= sent) io.stdout.write(reply.text + '\n');
		});
		host.events.on('turn', (turn) => {
			if (turn.chatJid !== chatJid || (turn.throughSeq ?? 0) < sent) return;
			if (!turn.ok) failure = turn.error ?? 'the agent failed';
			resolve();
		});
	});
	const stopOnSignal = () => void host.stop().then(() => process.exit(130));
	process.once('SIGINT', stopOnSignal);
	process.once('SIGTERM', stopOnSignal);
	try {
		await host.start();
		sent = (await host.sendLocalMessage(folder, text)).seq;
		await done;
	} finally {
		await host.stop();
		process.off('SIGINT', stopOnSignal);
		process.off('SIGTERM', stopOnSignal);
	}
	if (failure) {
		io.stderr.write(`babybot-tui chat: ${failure}\n`);
		return 1;
	}
	return 0;
}
