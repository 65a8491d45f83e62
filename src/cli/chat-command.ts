import meow from 'meow';
import type {Config} from '../config.js';
import {createHost} from '../host/create-host.js';
import {localJid} from '../channels/local-chat.js';
import type {CommandIo} from './main.js';
import {selectLauncher} from './launcher.js';

const help = `
  Usage
    $ babybot-tui chat [--group FOLDER] MESSAGE…

  Sends MESSAGE as the local operator to the group (default: main), prints the agent's
  replies and exits 0 when the run is done; non-zero with a one-line error otherwise.
`;

export async function runChatCommand(args: string[], config: Config, io: CommandIo): Promise<number> {
	const cli = meow(help, {importMeta: import.meta, argv: args, flags: {group: {type: 'string', default: 'main'}}, allowUnknownFlags: false});
	const text = cli.input.join(' ').trim();
	if (!text) {
		io.stderr.write('babybot-tui chat: no message given: run `babybot-tui chat "hello"`\n');
		return 2;
	}
	const host = await createHost({config, launcher: await selectLauncher(config)});
	const folder = cli.flags.group;
	if (!host.groupOfFolder(folder)) {
		await host.stop();
		io.stderr.write(`babybot-tui chat: no group with folder "${folder}": see \`babybot-tui groups list\`\n`);
		return 2;
	}
	const chatJid = localJid(folder);
	let failure: string | undefined;
	const done = new Promise<void>((resolve) => {
		host.events.on('reply', (reply) => {
			if (reply.chatJid === chatJid && !reply.error) io.stdout.write(reply.text + '\n');
		});
		host.events.on('turn', (turn) => {
			if (turn.chatJid !== chatJid) return;
			if (!turn.ok) failure = turn.error ?? 'the agent failed';
			resolve();
		});
	});
	const stopOnSignal = () => void host.stop().then(() => process.exit(130));
	process.once('SIGINT', stopOnSignal);
	process.once('SIGTERM', stopOnSignal);
	try {
		await host.start();
		await host.sendLocalMessage(folder, text);
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
