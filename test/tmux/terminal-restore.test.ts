// The terminal comes back from a UI process that crashes or whose host will not stop: a real process in
// tmux, over a minimal in-memory host (ui-process-fixture.mjs) run by the built runTui.
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {projectRoot} from '../support/cli.js';
import {TmuxSession} from './tmux-session.js';

const fixture = path.join(import.meta.dirname, 'ui-process-fixture.mjs');
let session: TmuxSession | undefined;

afterEach(() => {
	session?.kill();
	session = undefined;
});

function startFixture(env: Record<string, string>): TmuxSession {
	session = TmuxSession.start({command: [process.execPath, fixture], env: {...process.env, ...env}, cwd: projectRoot});
	return session;
}

/** What the program wrote after it left the alternate screen (the screen may have scrolled it away). */
function mainScreenText(tui: TmuxSession): string {
	const output = tui.output();
	return output.slice(output.lastIndexOf('\u001b[?1049l'));
}

describe('the terminal is restored', () => {
	it('after an uncaught exception in the UI process: alternate screen left, cursor shown, the crash reported', async () => {
		const tui = startFixture({FIXTURE_MODE: 'crash'});
		await tui.waitForText('6 Skills');
		expect(tui.terminalState()).toEqual({alternateScreen: true, cursorVisible: false});
		tui.type('p');
		await tui.waitForText('WhatsApp pairing');
		tui.send('Enter');
		expect(await tui.waitForExit()).toBe(1);
		expect(tui.terminalState()).toEqual({alternateScreen: false, cursorVisible: true});
		expect(tui.capture()).not.toContain('6 Skills');
		expect(mainScreenText(tui)).toContain('babybot-tui: crashed: Error: boom from the UI process');
	});

	it('on SIGTERM at once, even while the host hangs on stop; the process exits after the bounded wait', async () => {
		const tui = startFixture({FIXTURE_MODE: 'hang', FIXTURE_STOP_TIMEOUT_MS: '4000'});
		await tui.waitForText('6 Skills');
		const started = Date.now();
		process.kill(tui.pid(), 'SIGTERM');
		await tui.waitFor('the main screen', () => !tui.terminalState().alternateScreen, 2000);
		expect(tui.exitStatus()).toBeNull();
		expect(tui.terminalState().cursorVisible).toBe(true);
		expect(await tui.waitForExit()).toBe(143);
		expect(Date.now() - started).toBeGreaterThanOrEqual(3500);
		expect(mainScreenText(tui)).toContain('the host did not stop within 4s: exiting anyway');
	});
});
