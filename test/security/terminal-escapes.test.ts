// Text from a model or an agent reaching a terminal: a reply and a send_message carrying OSC 52
// (clipboard), OSC 0 (title), cursor and screen control. `chat` prints none of the raw bytes, and
// the TUI in a real tmux shows the text with no effect of them. The `none` runtime is enough here:
// the text comes from the model and the agent-runner, whatever sandbox the agent is in.
import {afterEach, describe, expect, it} from 'vitest';
import {binPath, cliEnv, projectRoot, runCli} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';
import {closeAfterEach} from '../support/test-host.js';
import {TmuxSession} from '../tmux/tmux-session.js';
import {bash, startAttackModel} from './support.js';

const track = closeAfterEach();
let session: TmuxSession | undefined;
afterEach(() => {
	session?.kill();
	session = undefined;
});

/** Each sequence between visible words, so what was drawn can be told from what was obeyed. */
const sequences = {
	clipboard: `\u001b]52;c;${Buffer.from('pwned').toString('base64')}\u0007`,
	title: '\u001b]0;HACKED-TITLE\u0007',
	cursor: '\u001b[5;77H',
	clear: '\u001b[2J',
	leaveScreen: '\u001b[?1049l',
	c1: '\u009b2J',
	concealed: '\u001b[8m',
};
const hostile = (label: string) => `${label}-start ${Object.entries(sequences).map(([name, bytes]) => `${name}:${bytes}`).join(' ')} ${label}-end`;
/** C0 controls but tab and newline, DEL and C1 controls. */
const rawControls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('terminal escapes in replies', () => {
	it('`chat` prints a reply and a send_message full of escape sequences with none of their raw bytes', async () => {
		const {home, allowlist} = tempHome('babybot-attack-');
		const model = await startAttackModel();
		track({close: () => model.ollama.close()});
		model.plan('escapes', [{name: 'send_message', arguments: {text: hostile('sent')}}], hostile('reply'));
		const result = await runCli(['chat', 'run escapes'], cliEnv({home, allowlist, ollamaUrl: model.ollama.url, runtime: 'none'}));
		expect(result.code).toBe(0);
		for (const label of ['sent', 'reply']) expect(result.stdout).toMatch(new RegExp(`${label}-start.*${label}-end`));
		expect(JSON.stringify(result.stdout.match(rawControls)?.[0]), JSON.stringify(result.stdout)).toBe(undefined);
	});

	it('the TUI draws such a reply and such an agent log line as text: title, clipboard and screen untouched', async () => {
		const made = tempHome('babybot-attack-');
		const model = await startAttackModel();
		track({close: () => model.ollama.close()});
		// The log line goes straight to the host's end of the agent's stdio channel (its parent's stdout).
		const logLine = JSON.stringify({type: 'log', level: 'warn', msg: hostile('log')});
		model.plan('escapes', [bash(`printf '%s\\n' '${logLine}' > /proc/$PPID/fd/1`)], hostile('reply'));
		session = TmuxSession.start({command: [process.execPath, binPath], env: cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: model.ollama.url}), cwd: projectRoot});
		const tui = session;
		// tmux would take OSC 52 into a paste buffer and OSC 0 as the pane's title.
		tui.tmux('set-option', '-g', 'set-clipboard', 'on');
		await tui.waitForText('6 Skills');
		const title = tui.tmux('display-message', '-p', '-t', 'ui', '#{pane_title}').trim();
		tui.type('c');
		await tui.waitForText('Chat with main');
		tui.type('run escapes');
		tui.send('Enter');
		await tui.waitFor('the reply drawn', (screen) => screen.includes('reply-start') && screen.includes('reply-end'), 60_000);
		tui.send('Escape');
		tui.type('3');
		await tui.waitFor('the log line drawn', (screen) => screen.includes('log-start'), 30_000);

		expect(tui.tmux('display-message', '-p', '-t', 'ui', '#{pane_title}').trim()).toBe(title);
		expect(tui.tmux('list-buffers')).toBe('');
		expect(tui.terminalState().alternateScreen).toBe(true);
		const written = tui.output();
		for (const [name, bytes] of Object.entries(sequences)) expect.soft(written.includes(bytes), `the ${name} sequence reached the terminal`).toBe(false);
	}, 90_000);
});
