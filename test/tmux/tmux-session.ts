// Drives a real terminal program in a private tmux server: keys one at a time, screen captures, resize,
// exit status and whether the terminal came back from the alternate screen.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TmuxStartOptions {
	/** argv of the program. */
	command: string[];
	/** The program's whole environment (CI is removed). */
	env: NodeJS.ProcessEnv;
	columns?: number;
	rows?: number;
	cwd?: string;
}

/** The pane titles of the header, as the UI draws them. */
export const paneNames = ['1 Groups', '2 Containers', '3 Logs', '4 Tasks', '5 Access', '6 Skills'];

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

export class TmuxSession {
	private constructor(
		private readonly socket: string,
		private readonly dir: string,
	) {}

	/** Starts `command` in a new private tmux server; the pane stays after the program exits. */
	static start(options: TmuxStartOptions): TmuxSession {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'babybot-tmux-'));
		const session = new TmuxSession(path.join(dir, 'sock'), dir);
		const {columns = 100, rows = 30} = options;
		const env: NodeJS.ProcessEnv = {...options.env, TERM: 'xterm-256color'};
		delete env.CI;
		delete env.TMUX;
		const envArgs = Object.entries(env)
			.filter(([, value]) => value !== undefined)
			.map(([key, value]) => quote(`${key}=${value}`));
		const script = `cd ${quote(options.cwd ?? process.cwd())} && exec env -i ${envArgs.join(' ')} ${options.command.map(quote).join(' ')}`;
		session.tmux('new-session', '-d', '-s', 'ui', '-x', String(columns), '-y', String(rows), 'sleep 3600');
		session.tmux('set-option', '-t', 'ui', 'remain-on-exit', 'on');
		session.tmux('pipe-pane', '-t', 'ui', `cat >> ${quote(session.outputFile)}`);
		session.tmux('respawn-pane', '-k', '-t', 'ui', script);
		return session;
	}

	private get outputFile(): string {
		return path.join(this.dir, 'output');
	}

	/** Every byte the program wrote to the terminal. */
	output(): string {
		return fs.existsSync(this.outputFile) ? fs.readFileSync(this.outputFile, 'utf8') : '';
	}

	tmux(...args: string[]): string {
		return execFileSync('tmux', ['-S', this.socket, ...args], {encoding: 'utf8'});
	}

	/** The visible screen as text. */
	capture(): string {
		return this.tmux('capture-pane', '-p', '-t', 'ui');
	}

	/** Sends one key: a tmux key name (Enter, Escape, Tab, BTab, Up, NPage) or literal text, one character at a time. */
	send(key: string): void {
		this.tmux('send-keys', '-t', 'ui', key);
	}

	/** Types literal text, one key per send-keys call. */
	type(text: string): void {
		for (const char of text) this.tmux('send-keys', '-t', 'ui', '-l', char);
	}

	/** Opens the chat overlay (of main, from a pane other than Groups), sends `text` and waits until it shows. */
	async chat(text: string): Promise<void> {
		this.type('c');
		await this.waitForText('Chat with main');
		this.type(text);
		this.send('Enter');
		await this.waitForText(`You: ${text}`);
	}

	resize(columns: number, rows: number): void {
		this.tmux('resize-window', '-t', 'ui', '-x', String(columns), '-y', String(rows));
	}

	private format(expression: string): string {
		return this.tmux('display-message', '-p', '-t', 'ui', expression).trim();
	}

	/** The program's exit status once it has ended, else null. */
	exitStatus(): number | null {
		const read = () => this.format('#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}').split(':');
		let [dead, status, signal] = read();
		if (dead !== '1') return null;
		if (!status && !signal) {
			// tmux saw the pty close but has not reaped the program yet (it can miss the SIGCHLD): wake it.
			process.kill(Number(this.format('#{pid}')), 'SIGCHLD');
			[dead, status, signal] = read();
		}
		if (status) return Number(status);
		// Killed by a signal: report it the way a shell does.
		return signal ? 128 + Number(signal) : null;
	}

	/** Whether the pane shows the alternate screen, and whether the program's last word left the cursor visible. */
	terminalState(): {alternateScreen: boolean; cursorVisible: boolean} {
		// tmux reports no cursor for a dead pane, so the cursor is read from the bytes the program wrote.
		const output = this.output();
		return {
			alternateScreen: this.format('#{alternate_on}') === '1',
			cursorVisible: output.lastIndexOf('\u001b[?25h') >= output.lastIndexOf('\u001b[?25l'),
		};
	}

	pid(): number {
		return Number(this.format('#{pane_pid}'));
	}

	/** Polls until `check` passes on two captures in a row; fails with the last screen. */
	async waitFor(what: string, check: (screen: string) => boolean, timeoutMs = 20_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = '';
		while (Date.now() < deadline) {
			screen = this.capture();
			if (check(screen)) {
				// A capture can land mid-frame: the screen returned is a later one that still passes.
				await new Promise((resolve) => setTimeout(resolve, 40));
				const settled = this.capture();
				if (check(settled)) return settled;
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		throw new Error(`timed out waiting for ${what}; the screen was:\n${screen}`);
	}

	/** Opens the chat with main (c), sends `text` and waits for its answer `Baby: answer`. */
	async chatWithMain(text: string, answer: string): Promise<void> {
		this.type('c');
		await this.waitForText('Chat with main');
		this.type(text);
		this.send('Enter');
		await this.waitForText(`You: ${text}`);
		await this.waitForText(`Baby: ${answer}`, 60_000);
	}

	waitForText(text: string, timeoutMs?: number): Promise<string> {
		return this.waitFor(`"${text}"`, (screen) => screen.includes(text), timeoutMs);
	}

	async waitForExit(timeoutMs = 20_000): Promise<number> {
		await this.waitFor('the program to exit', () => this.exitStatus() !== null, timeoutMs);
		return this.exitStatus()!;
	}

	kill(): void {
		try {
			this.tmux('kill-server');
		} catch {
			// Already gone.
		}
		fs.rmSync(this.dir, {recursive: true, force: true});
	}
}
