// A flow's UI in tmux, with the host in the UI's process or the UI attached to a headless host
// started first; the UI, the host and the scripted model are closed after each test.
import {afterEach} from 'vitest';
import {binPath, cliEnv, projectRoot, startHeadless, type HeadlessHost} from '../support/cli.js';
import type {ScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {TmuxSession} from './tmux-session.js';

export type HostMode = 'in-process' | 'attached';
export const hostModes: HostMode[] = ['in-process', 'attached'];

export interface TuiStart {
	tui: TmuxSession;
	home: string;
}

/** Registers the cleanup; `start` opens the UI on a fresh home and waits until it shows the host. */
export function tuiFixture(): {start(mode: HostMode, ollama: ScriptedOllama, size: {columns: number; rows: number}): Promise<TuiStart>} {
	let session: TmuxSession | undefined;
	let headless: HeadlessHost | undefined;
	let model: ScriptedOllama | undefined;
	afterEach(async () => {
		session?.kill();
		session = undefined;
		await headless?.stop();
		headless = undefined;
		await model?.close();
		model = undefined;
	});
	return {
		async start(mode, ollama, size) {
			model = ollama;
			const made = tempHome();
			const env = cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama.url});
			if (mode === 'attached') headless = await startHeadless(env);
			session = TmuxSession.start({command: [process.execPath, binPath], env, cwd: projectRoot, ...size});
			await session.waitForText(headless ? `attached to host pid ${headless.pid}` : '6 Skills');
			return {tui: session, home: made.home};
		},
	};
}
