import path from 'node:path';
import qrcode from 'qrcode-terminal';
import type {Config} from '../config.js';
import {createLogger} from '../logger.js';
import {homePaths} from '../paths.js';
import {attachToRunningHost} from '../control/attach.js';
import type {RemoteHost} from '../control/remote-host.js';
import {acquireHostLock, HostLockedError} from '../host/lock.js';
import type {WhatsAppState} from '../api/host-api.js';
import {hasPairedCredentials, moveCredentialsAside} from '../channels/whatsapp/auth-files.js';
import {systemClock, type Clock} from '../channels/whatsapp/clock.js';
import {parsePhoneDigits} from '../channels/whatsapp/pairing.js';
import {fileSentIdStore} from '../channels/whatsapp/sent-ids.js';
import type {SocketFactory, WAVersion} from '../channels/whatsapp/socket.js';
import {WhatsAppChannel} from '../channels/whatsapp/whatsapp-channel.js';

export const pairHelp = `Usage
  $ babybot-tui pair                  show a QR to scan with WhatsApp › Linked devices
  $ babybot-tui pair --phone DIGITS   get a code to type on the phone instead (country code first)
  $ babybot-tui pair --force          move the current credentials aside and pair again

Pairs through the host that runs for this home, if one does (the UI pairs with the p key).
`;

/** Reconnects while pairing after which we give up (nobody scanned, or the network is down). */
const maxPairingReconnects = 3;

export interface PairCommandOptions {
	config: Config;
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** The real Baileys socket unless a test passes its fake. */
	socketFactory?: SocketFactory;
	fetchVersion?: () => Promise<WAVersion | undefined>;
	clock?: Clock;
}

export interface PairArgs {
	phone?: string;
	force: boolean;
	help: boolean;
}

/** `--phone DIGITS` / `--phone=DIGITS`, `--force`, `--help`; throws a one-line error for anything else. */
export function parsePairArgs(argv: string[]): PairArgs {
	const args: PairArgs = {force: false, help: false};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') args.help = true;
		else if (arg === '--force') args.force = true;
		else if (arg === '--phone' || arg.startsWith('--phone=')) {
			const value = arg === '--phone' ? argv[++i] : arg.slice('--phone='.length);
			if (value === undefined) throw new Error('--phone needs the number: e.g. --phone 4915123456789');
			args.phone = parsePhoneDigits(value);
		} else throw new Error(`unknown argument "${arg}": run \`babybot-tui pair --help\` for the valid ones`);
	}
	return args;
}

/** `babybot-tui pair`: pairs WhatsApp from the terminal, without the UI. Resolves to the exit code. */
export async function runPairCommand(argv: string[], options: PairCommandOptions): Promise<number> {
	const {config, stdout, stderr} = options;
	let args: PairArgs;
	try {
		args = parsePairArgs(argv);
	} catch (error) {
		stderr.write(`babybot-tui pair: ${(error as Error).message}\n`);
		return 2;
	}
	if (args.help) {
		stdout.write(pairHelp);
		return 0;
	}
	const paths = homePaths(config.home);
	if (hasPairedCredentials(paths.authDir) && !args.force) {
		stdout.write(`WhatsApp is already paired (credentials in ${paths.authDir}): run \`babybot-tui pair --force\` to pair again\n`);
		return 0;
	}
	try {
		const remote = await attachToRunningHost({paths});
		if (remote) {
			if (args.force) {
				remote.close();
				stderr.write(`babybot-tui pair: a host (pid ${remote.pid}) is running: --force would move its credentials aside under it; stop it first (:stop in the UI)\n`);
				return 1;
			}
			return await pairThroughHost(remote, args.phone, options);
		}
	} catch (error) {
		stderr.write(`babybot-tui pair: ${(error as Error).message}\n`);
		return 1;
	}
	let release: () => void;
	try {
		release = acquireHostLock(paths.lockFile);
	} catch (error) {
		if (!(error instanceof HostLockedError)) throw error;
		stderr.write(`babybot-tui pair: ${error.holder}: pair from its UI (press p) or stop it first\n`);
		return 1;
	}
	try {
		if (args.force) {
			const movedTo = moveCredentialsAside(paths.authDir, new Date((options.clock ?? systemClock).now()));
			if (movedTo) stdout.write(`old credentials moved to ${movedTo}\n`);
		}
		return await pair(args.phone, options, paths.authDir, path.join(paths.storeDir, 'whatsapp-sent-ids.json'));
	} finally {
		release();
	}
}

interface PairingPrinter {
	render(state: WhatsAppState): void;
	finish(code: number, line: string): void;
}

/** Prints each pairing state (QR, code, countdown, retries) until one ends it; `end` then closes the connection. */
function pairingPrinter(options: PairCommandOptions, paired: (user?: string) => string, end: () => Promise<void>, resolve: (code: number) => void): PairingPrinter {
	const {stdout, stderr} = options;
	const clock = options.clock ?? systemClock;
	const tty = Boolean((stdout as {isTTY?: boolean}).isTTY);
	let countdown: unknown;
	let reconnects = 0;
	let finished = false;
	const stopCountdown = () => {
		if (countdown !== undefined) clock.clearTimeout(countdown);
		countdown = undefined;
	};
	const onInterrupt = () => finish(130, 'babybot-tui pair: cancelled, nothing was paired');
	const finish = (code: number, line: string) => {
		if (finished) return;
		finished = true;
		stopCountdown();
		process.off('SIGINT', onInterrupt);
		(code === 0 ? stdout : stderr).write(`${tty ? '\n' : ''}${line}\n`);
		void end().finally(() => resolve(code));
	};
	const tick = (expiresAt: number) => {
		const left = Math.max(0, Math.ceil((expiresAt - clock.now()) / 1000));
		stdout.write(`\r\x1b[2Kexpires in ${left} s`);
		if (left > 0) countdown = clock.setTimeout(() => tick(expiresAt), 1000);
	};
	const timedOut = 'babybot-tui pair: no phone was paired in time: run it again with your phone at hand';
	const render = (state: WhatsAppState) => {
		if (finished) return;
		switch (state.status) {
			case 'pairing':
				stopCountdown();
				if (state.pairingCode) {
					stdout.write(`Pairing code: ${state.pairingCode}\nOn the phone: WhatsApp › Settings › Linked devices › Link a device › Link with phone number instead, then type the code.\n`);
				} else if (state.qr) {
					const seconds = Math.round(((state.qrExpiresAt ?? clock.now()) - clock.now()) / 1000);
					stdout.write(`${tty ? '\n' : ''}${qrText(state.qr)}\nScan with WhatsApp › Settings › Linked devices › Link a device (a new QR follows when this one expires)\n`);
					if (tty && state.qrExpiresAt) tick(state.qrExpiresAt);
					else stdout.write(`expires in ${seconds} s\n`);
				}
				return;
			case 'paired':
				return finish(0, paired(state.user));
			case 'stopped':
				return finish(1, state.cause === 'pairing-timed-out' ? timedOut : `babybot-tui pair: ${state.reason}`);
			case 'logged-out':
				return finish(1, `babybot-tui pair: ${state.reason}`);
			case 'reconnecting':
				stopCountdown();
				if (++reconnects > maxPairingReconnects) return finish(1, timedOut);
				stdout.write(`${tty ? '\n' : ''}connection closed: retrying in ${Math.ceil(state.inMs / 1000)} s\n`);
				return;
			default:
				return;
		}
	};
	process.on('SIGINT', onInterrupt);
	stdout.write('connecting to WhatsApp…\n');
	return {render, finish};
}

/** Pairs through the running host: it connects, this prints its pairing states. */
function pairThroughHost(remote: RemoteHost, phone: string | undefined, options: PairCommandOptions): Promise<number> {
	return new Promise<number>((resolve) => {
		const printer = pairingPrinter(options, (user) => `Paired${user ? ` as ${user}` : ''}: the host (pid ${remote.pid}) is connected to WhatsApp.`, async () => remote.close(), resolve);
		remote.events.on('change', ({part}) => part === 'whatsapp' && printer.render(remote.snapshot().whatsapp));
		void remote.closed.then((reason) => printer.finish(1, `babybot-tui pair: ${reason}`));
		remote.startPairing({phone}).catch((error: Error) => printer.finish(1, `babybot-tui pair: ${error.message}`));
	});
}

function pair(phone: string | undefined, options: PairCommandOptions, authDir: string, sentIdsFile: string): Promise<number> {
	const {config} = options;
	const {logger, flush} = createLogger({logsDir: homePaths(config.home).logsDir, level: config.logLevel, rotation: {maxBytes: config.logMaxBytes, maxFiles: config.logMaxFiles}});
	return new Promise<number>((resolve) => {
		const printer = pairingPrinter(
			options,
			(user) => `Paired${user ? ` as ${user}` : ''}. Credentials saved in ${authDir}; start the host with \`babybot-tui\`.`,
			() => channel.disconnect().finally(flush),
			resolve,
		);
		const channel: WhatsAppChannel = new WhatsAppChannel({
			authDir,
			logger,
			clock: options.clock ?? systemClock,
			socketFactory: options.socketFactory ?? (async (factoryOptions) => (await import('../channels/whatsapp/socket.js')).createBaileysSocket(factoryOptions)),
			fetchVersion: options.fetchVersion ?? (async () => (await import('../channels/whatsapp/socket.js')).fetchWaWebVersion()),
			sentIds: fileSentIdStore(sentIdsFile),
			callbacks: {onMessage() {}, onChatMetadata() {}},
			onStateChange: (state) => printer.render(state),
		});
		channel.startPairing({phone}).catch((error: Error) => printer.finish(1, `babybot-tui pair: ${error.message}`));
	});
}

/** The QR as text (qrcode-terminal calls back synchronously). */
function qrText(data: string): string {
	let text = '';
	qrcode.generate(data, {small: true}, (rendered) => {
		text = rendered;
	});
	return text;
}
