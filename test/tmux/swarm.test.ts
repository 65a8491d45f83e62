// Sub-agents in the real UI, key by key in tmux: the Containers pane shows a run's sub-agents under
// it, Enter shows one's transcript, and x kills one (stuck at the model) while the run and the
// other sub-agents go on and the answer reports all three; with the host in the UI's process and
// with the UI attached to a headless host.
import {describe, expect, it} from 'vitest';
import {startScriptedOllama} from '../support/ollama-server.js';
import {subagentOf, swarmModel} from '../support/swarm-model.js';
import {hostModes, tuiFixture} from './tui-fixture.js';

const fixture = tuiFixture();

describe.each(hostModes)('host %s', (mode) => {
	it('x on a sub-agent row kills only it: the run and the other sub-agents go on, and the answer says so', async () => {
		// beta's model request never answers; with OLLAMA_NUM_PARALLEL=1, gamma waits behind it.
		const ollama = await startScriptedOllama({fallback: swarmModel({override: (name) => (name === 'beta' ? {stall: true} : undefined)})});
		const {tui} = await fixture.start(mode, ollama, {columns: 140, rows: 40});
		await tui.chat('look into alpha, beta and gamma');
		tui.send('Escape');
		tui.type('2');
		const rows = /main\s+none\s+\S+.*running\s*\n\s*└ alpha\s+sub-agent\s+2 rounds .*done\s*\n\s*└ beta\s+sub-agent\s+0 rounds .*running\s*\n\s*└ gamma\s+sub-agent\s+0 rounds .*running/;
		await tui.waitFor('the run with alpha done, beta and gamma running', (screen) => rows.test(screen) && ollama.chatRequests.some((request) => subagentOf(request) === 'beta'), 30_000);
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
