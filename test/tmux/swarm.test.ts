// Sub-agents in the real UI, key by key in tmux: the Containers pane shows a run's sub-agents under
// it, Enter shows one's transcript, and x kills one (stuck at the model) while the run and the
// other sub-agents go on and the answer reports all three; with the host in the UI's process and
// with the UI attached to a headless host.
import {afterEach, describe, expect, it} from 'vitest';
import {binPath, cliEnv, projectRoot, startHeadless, type HeadlessHost} from '../support/cli.js';
import {startScriptedOllama, type ScriptedOllama} from '../support/ollama-server.js';
import {subagentOf, swarmModel} from '../support/swarm-model.js';
import {tempHome} from '../support/temp-home.js';
import {TmuxSession} from './tmux-session.js';

let ollama: ScriptedOllama | undefined;
let session: TmuxSession | undefined;
let headless: HeadlessHost | undefined;

afterEach(async () => {
	session?.kill();
	session = undefined;
	await headless?.stop();
	headless = undefined;
	await ollama?.close();
});

describe.each(['in-process', 'attached'] as const)('host %s', (mode) => {
	it('x on a sub-agent row kills only it: the run and the other sub-agents go on, and the answer says so', async () => {
		// beta's model request never answers; with OLLAMA_NUM_PARALLEL=1, gamma waits behind it.
		ollama = await startScriptedOllama({fallback: swarmModel({override: (name) => (name === 'beta' ? {stall: true} : undefined)})});
		const made = tempHome();
		const env = cliEnv({home: made.home, allowlist: made.allowlist, ollamaUrl: ollama.url});
		if (mode === 'attached') headless = await startHeadless(env);
		session = TmuxSession.start({command: [process.execPath, binPath], env, cwd: projectRoot, columns: 140, rows: 40});
		const tui = session;
		await tui.waitForText(headless ? `attached to host pid ${headless.pid}` : '6 Skills');
		await tui.chat('look into alpha, beta and gamma');
		tui.send('Escape');
		tui.type('2');
		const rows = /main\s+none\s+\S+.*running\s*\n\s*└ alpha\s+sub-agent\s+2 rounds .*done\s*\n\s*└ beta\s+sub-agent\s+0 rounds .*running\s*\n\s*└ gamma\s+sub-agent\s+0 rounds .*running/;
		await tui.waitFor('the run with alpha done, beta and gamma running', (screen) => rows.test(screen) && ollama!.chatRequests.some((request) => subagentOf(request) === 'beta'), 30_000);
		expect(ollama.chatRequests.some((request) => subagentOf(request) === 'gamma')).toBe(false);

		tui.type('jj');
		tui.send('Enter');
		// Waited for whole: a capture can land mid-frame.
		await tui.waitFor("beta's transcript", (screen) => screen.includes('Sub-agent beta of') && /transcript:\s*│?\n.*task: Write beta\.txt with the findings about beta\./.test(screen));
		tui.send('Escape');
		await tui.waitForText('└ gamma');
		tui.type('x');
		await tui.waitForText('Kill sub-agent beta of run');
		tui.type('y');
		await tui.waitFor('beta killed and gamma done', (screen) => /└ beta\s+sub-agent .*it was killed by the operator\s+.*killed/.test(screen) && /└ gamma\s+sub-agent\s+2 rounds .*done/.test(screen), 30_000);
		expect(tui.capture()).not.toContain('ended (killed)');

		tui.type('c');
		await tui.waitForText('Baby: Here is what the sub-agents found.', 30_000);
		await tui.waitFor('the answer with every sub-agent', (screen) => screen.includes('3 sub-agents: 2 done, 1 killed') && screen.includes('## beta (killed: it was killed by the operator)'));
	}, 120_000);
});
