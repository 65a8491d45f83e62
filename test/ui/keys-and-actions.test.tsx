import {afterEach, describe, expect, it} from 'vitest';
import type {SubagentView} from '../../src/api/host-api.js';
import {addToSummary, emptySummary} from '../../src/llm/llm-stats.js';
import {keymap} from '../../src/ui/keymap.js';
import {helpLines} from '../../src/ui/overlays/help-overlay.js';
import {baseSnapshot, FakeHost, group, run, task} from '../support/fake-host.js';
import {renderApp, waitFor, type RenderedApp} from './render-app.js';

let app: RenderedApp | undefined;
afterEach(() => app?.unmount());

function hostWith(change: (snapshot: ReturnType<typeof baseSnapshot>) => void): FakeHost {
	const snapshot = baseSnapshot();
	change(snapshot);
	return new FakeHost(snapshot);
}

const fourGroups = () =>
	hostWith((s) => {
		for (const name of ['Alpha', 'Bravo', 'Charlie']) s.groups.push(group({jid: `${name}@g.us`, name, folder: name.toLowerCase(), isMain: false}));
	});

describe('key dispatch', () => {
	it.each([
		['1', 'NAME'],
		['2', 'RUNTIME'],
		['3', 'LOG 0 lines'],
		['4', 'SCHEDULE'],
		['5', 'allowlist'],
		['6', 'DESCRIPTION'],
	])('%s jumps to its pane', async (key, marker) => {
		app = renderApp(new FakeHost(), {pane: key === '1' ? 'skills' : 'groups'});
		await app.waitForText('1 Groups');
		await app.typeAndWait(key, marker);
	});

	it('Tab and Shift-Tab cycle the panes', async () => {
		app = renderApp();
		await app.waitForText('FOLDER');
		await app.typeAndWait('\t', 'RUNTIME');
		await app.typeAndWait('\u001b[Z', 'FOLDER');
		await app.typeAndWait('\u001b[Z', 'DESCRIPTION');
	});

	it('handles every key of a batched chunk ("jjj" moves three rows)', async () => {
		app = renderApp(fourGroups());
		await app.waitForText('Charlie');
		app.type('jjj');
		app.type('\r');
		await app.waitForText('Group Charlie');
		expect(app.frame()).toContain('folder: charlie');
	});

	it('handles a batch that mixes pane and cursor keys ("2G" then "gk")', async () => {
		const host = hostWith((s) => {
			s.runs = [run({id: 'a', containerName: 'first-run'}), run({id: 'b', containerName: 'second-run'})];
		});
		app = renderApp(host);
		await app.waitForText('FOLDER');
		app.type('2Gx');
		await app.waitForText('Kill run second-run');
		app.type('n');
		await app.waitForNoText('Kill run');
		app.type('gkx');
		await app.waitForText('Kill run first-run');
	});

	it('? shows a help overlay listing every keymap entry, Esc closes it', async () => {
		app = renderApp(new FakeHost(), {size: {columns: 140, rows: 52}});
		await app.waitForText('FOLDER');
		await app.typeAndWait('?', 'Keys (Esc/? to close');
		for (const line of helpLines()) expect(app.frame()).toContain(line.trimEnd());
		for (const binding of keymap) expect(app.frame()).toContain(binding.description);
		expect(app.frame()).toContain('Quit: detach, or keep or stop the host');
		await app.typeAndWait('\u001b', 'FOLDER');
		expect(app.frame()).not.toContain('Keys (Esc');
	});

	it('the status bar hints come from the keymap of the focused pane', async () => {
		app = renderApp(new FakeHost(), {pane: 'containers'});
		await app.waitForText('x kill');
		expect(app.frame()).toContain('? help');
		await app.typeAndWait('5', 'a approve');
		expect(app.frame()).toContain('r reject');
	});
});

describe('actions', () => {
	it('x asks before killing a live run, then calls killRun', async () => {
		const host = hostWith((s) => {
			s.runs = [run({id: 'run-42', containerName: 'babybot-main-42'})];
		});
		app = renderApp(host, {pane: 'containers'});
		await app.waitForText('babybot-main-42');
		await app.typeAndWait('x', 'Kill run babybot-main-42 of main?');
		expect(host.callsOf('killRun')).toEqual([]);
		app.type('y');
		await waitFor(() => host.callsOf('killRun').length === 1);
		expect(host.callsOf('killRun')).toEqual([['run-42']]);
		await app.waitForText('killed babybot-main-42');
	});

	it('shows a run\'s sub-agents as rows under it; x on one kills only it, Enter shows its transcript', async () => {
		const now = new Date().toISOString();
		const sub = (id: string, name: string, state: SubagentView['state'], extra: Partial<SubagentView> = {}): SubagentView => ({runId: 'run-5', id, name, state, rounds: 2, tokens: 3100, lastOutput: `${name} is writing`, startedAt: now, updatedAt: now, ...extra});
		const host = hostWith((s) => {
			s.runs = [run({id: 'run-5', containerName: 'babybot-main-5'}), run({id: 'run-6', containerName: 'babybot-family-6', groupFolder: 'family'})];
			s.subagents = [sub('sa1', 'alpha', 'done', {lastOutput: 'alpha: found it'}), sub('sa2', 'beta', 'running'), sub('sa3', 'gamma', 'failed', {error: 'the model could not answer'})];
		});
		host.runOutputs = new Map([['run-5', {output: [], stderr: [], subagents: {sa2: ['task: Write beta.txt', '→ write_file beta.txt', '← write_file: wrote 12 bytes to beta.txt']}}]]);
		app = renderApp(host, {pane: 'containers', size: {columns: 140, rows: 30}});
		await app.waitForText('babybot-family-6');
		const lines = app.frame().split('\n');
		const at = (text: string) => lines.findIndex((line) => line.includes(text));
		expect(at('babybot-main-5')).toBeLessThan(at('└ alpha'));
		expect(at('└ gamma')).toBeLessThan(at('babybot-family-6'));
		expect(lines[at('└ alpha')]).toMatch(/└ alpha\s+sub-agent\s+2 rounds · 3100 tokens · alpha: found it.*done/);
		expect(lines[at('└ gamma')]).toMatch(/2 rounds · 3100 tokens · the model could not answer\s.*failed/);

		app.type('jj'); // the beta row
		await app.typeAndWait('x', 'Kill sub-agent beta of run babybot-main-5? The run and its other sub-agents go on.');
		app.type('y');
		await waitFor(() => host.callsOf('killSubagent').length === 1);
		expect(host.callsOf('killSubagent')).toEqual([['run-5', 'sa2']]);
		expect(host.callsOf('killRun')).toEqual([]);
		await app.waitForText('killed sub-agent beta');

		await app.typeAndWait('\r', 'Sub-agent beta of babybot-main-5');
		expect(app.frame()).toContain('rounds: 2 · tokens: 3100');
		expect(app.frame()).toMatch(/transcript:\s*│?\n│?\s+task: Write beta\.txt/);
		expect(app.frame()).toContain('← write_file: wrote 12 bytes to beta.txt');
		app.type('\u001b');
		await app.waitForNoText('transcript:');
		app.type('k'); // alpha, already done
		await app.typeAndWait('x', 'sub-agent alpha has already ended (done)');
		app.type('/');
		app.type('gamma\r');
		await app.waitForNoText('└ alpha');
		expect(app.frame()).toContain('└ gamma');
		expect(app.frame()).toContain('babybot-main-5');
		expect(app.frame()).not.toContain('babybot-family-6');
	});

	it('Enter on a run shows its mounts, argv, recent agent output, stderr tail and log lines', async () => {
		const host = hostWith((s) => {
			s.runs = [run({id: 'run-7', containerName: 'babybot-main-7', argv: ['docker', 'run', '--network', 'none']})];
		});
		const outputs = new Map([['run-7', {output: ['[bash] ls /workspace/group', 'Here are your files…'], stderr: ['npm warn old lockfile', 'node: out of memory']}]]);
		host.runOutputs = outputs;
		host.logs.push({time: Date.now(), level: 'info', msg: 'agent said hello', fields: 'run=run-7'});
		app = renderApp(host, {pane: 'containers', size: {columns: 100, rows: 40}});
		await app.waitForText('babybot-main-7');
		await app.typeAndWait('\r', 'Run babybot-main-7');
		const frame = app.frame();
		expect(frame).toContain('docker run --network none');
		expect(frame).toContain('/workspace/group rw');
		expect(frame).toMatch(/recent agent output:\s*│?\n│?\s+\[bash\] ls \/workspace\/group/);
		expect(frame).toContain('Here are your files…');
		expect(frame).toMatch(/stderr \(tail\):\s*│?\n│?\s+npm warn old lockfile/);
		expect(frame).toContain('node: out of memory');
		expect(frame).toContain('agent said hello');
	});

	it('run details show what the run\'s model requests cost, and its thinking', async () => {
		const host = hostWith((s) => {
			s.runs = [run({id: 'run-9', containerName: 'babybot-main-9'})];
		});
		const stats = (promptTokens: number, evaluatedTokens: number, loadMs: number) => ({
			model: 'qwen3:8b', at: '2026-01-01T00:00:00Z', numCtx: 16_384, estimatedTokens: promptTokens, promptTokens, evaluatedTokens,
			cachedTokens: promptTokens - evaluatedTokens, outputTokens: 40, evalMs: 2500, promptMs: 1000, loadMs, tokensPerSecond: 16, overBudget: false,
		});
		let llm = emptySummary();
		for (const request of [stats(4500, 4500, 3000), stats(7400, 2900, 0)]) llm = addToSummary(llm, request);
		host.runOutputs = new Map([['run-9', {output: ['done'], stderr: [], llm, thinking: ['The user wants the log summarised.']}]]);
		app = renderApp(host, {pane: 'containers', size: {columns: 160, rows: 40}});
		await app.waitForText('babybot-main-9');
		await app.typeAndWait('\r', 'Run babybot-main-9');
		const frame = app.frame();
		expect(frame).toContain('2 requests · prompt 11900 (evaluated 7400, cached 38%) · output 80 at 16.0 tok/s · load 3.0 s · largest prompt 7400 of num_ctx 16384');
		expect(frame).toContain('#1 prompt 4500 of num_ctx 16384 · evaluated 4500, cached 0% · output 40 at 16.0 tok/s · load 3.0 s');
		expect(frame).toContain('#2 prompt 7400 of num_ctx 16384 · evaluated 2900, cached 61% · output 40 at 16.0 tok/s');
		expect(frame).toMatch(/thinking \(kept here only, never sent to a chat\):\s*│?\n│?\s+The user wants the log summarised\./);
	});

	it('run details say when the output of a run was not kept', async () => {
		const host = hostWith((s) => {
			s.runs = [run({id: 'run-8', containerName: 'babybot-main-8', state: 'ended', endReason: 'exit', endedAt: new Date().toISOString()})];
		});
		app = renderApp(host, {pane: 'containers', size: {columns: 100, rows: 40}});
		await app.waitForText('babybot-main-8');
		await app.typeAndWait('\r', 'Run babybot-main-8');
		expect(app.frame()).toMatch(/recent agent output:\s*│?\n│?\s+not kept/);
		expect(app.frame()).toMatch(/model:\s*│?\n│?\s+not kept/);
	});

	it('a approves a pending mount after asking read-only or read-write, for its group or all groups; r rejects', async () => {
		const host = hostWith((s) => {
			s.mounts.requests = [
				{id: 3, groupFolder: 'family', hostPath: '/srv/photos', realPath: '/srv/photos', containerPath: null, readonly: true, source: 'ipc', reason: null, status: 'pending', createdAt: '2026-01-01T00:00:00Z'},
				{id: 4, groupFolder: 'family', hostPath: '/srv/music', realPath: '/srv/music', containerPath: null, readonly: true, source: 'ipc', reason: null, status: 'pending', createdAt: '2026-01-01T00:00:00Z'},
			];
		});
		app = renderApp(host, {pane: 'access'});
		await app.waitForText('/srv/photos');
		await app.typeAndWait('a', 'Allow /srv/photos for family as:');
		expect(app.frame()).toContain('r read-only, this group');
		expect(app.frame()).toContain('w read-write, this group');
		expect(app.frame()).toContain('R read-only, all groups');
		expect(host.callsOf('approveMount')).toEqual([]);
		app.type('w');
		await waitFor(() => host.callsOf('approveMount').length === 1);
		expect(host.callsOf('approveMount')).toEqual([[3, 'rw', 'group']]);
		app.type('jr');
		await waitFor(() => host.callsOf('rejectMount').length === 1);
		expect(host.callsOf('rejectMount')).toEqual([[4]]);
	});

	it('a on a pending web request asks once, this group or all groups; r rejects; Enter shows its details', async () => {
		const request = (id: number, host: string) => ({id, groupFolder: 'family', url: `http://${host}/x`, host, reason: `${host} is not on the web allowlist of family`, status: 'pending' as const, scope: null, createdAt: '2026-01-01T00:00:00Z', decidedAt: null, decidedBy: null});
		const host = hostWith((s) => {
			s.web.requests = [request(5, 'news.test'), request(6, 'ads.test')];
		});
		app = renderApp(host, {pane: 'access', size: {columns: 120, rows: 30}});
		await app.waitForText('http://news.test/x');
		await app.typeAndWait('\r', 'Web request #5');
		expect(app.frame()).toContain('why it waits: news.test is not on the web allowlist of family');
		expect(app.frame()).toContain('a approve (o once / g this group / a all groups) · r reject');
		await app.typeAndWait('\u001b', 'http://news.test/x');
		await app.typeAndWait('a', 'Allow family to read news.test (plain http)?');
		expect(app.frame()).toContain('o this fetch once · g family always · a all groups · Esc cancel');
		app.type('g');
		await waitFor(() => host.callsOf('approveHost').length === 1);
		expect(host.callsOf('approveHost')).toEqual([[5, 'group']]);
		await app.typeAndWait('a', 'Allow family to read news.test');
		app.type('a');
		await waitFor(() => host.callsOf('approveHost').length === 2);
		expect(host.callsOf('approveHost')[1]).toEqual([5, 'all']);
		app.type('jr');
		await waitFor(() => host.callsOf('rejectHost').length === 1);
		expect(host.callsOf('rejectHost')).toEqual([[6]]);
		expect(host.callsOf('rejectMount')).toEqual([]);
	});

	it('space pauses an active task and resumes a paused one; t runs now; d deletes after asking', async () => {
		const host = hostWith((s) => {
			s.tasks = [task({id: 'T1'})];
		});
		app = renderApp(host, {pane: 'tasks'});
		await app.waitForText('water the plants');
		app.type(' ');
		await waitFor(() => host.callsOf('pauseTask').length === 1);
		expect(host.callsOf('pauseTask')).toEqual([['T1']]);
		host.update('tasks', [task({id: 'T1', status: 'paused'})]);
		await waitFor(() => /paused\s+-/.test(app!.frame()), () => app!.frame());
		app.type(' ');
		await waitFor(() => host.callsOf('resumeTask').length === 1);
		expect(host.callsOf('resumeTask')).toEqual([['T1']]);
		app.type('t');
		await waitFor(() => host.callsOf('runTaskNow').length === 1);
		await app.typeAndWait('d', 'Delete task T1');
		app.type('y');
		await waitFor(() => host.callsOf('deleteTask').length === 1);
	});

	it('m asks what the selected task does about missed runs and sets the answer', async () => {
		const host = hostWith((s) => {
			s.tasks = [task({id: 'T1'})];
		});
		app = renderApp(host, {pane: 'tasks'});
		await app.waitForText('water the plants');
		await app.typeAndWait('m', 'Runs of T1 missed while the host was down (now once):');
		expect(app.frame()).toContain('c catch-up · o once · s skip');
		app.type('c');
		await waitFor(() => host.callsOf('setTaskMisfire').length === 1);
		expect(host.callsOf('setTaskMisfire')).toEqual([['T1', 'catch-up']]);
		await app.waitForText('task T1: misfire catch-up');
	});

	it('an action that fails shows its error in the status bar', async () => {
		const host = hostWith((s) => {
			s.tasks = [task({id: 'T1'})];
		});
		host.failures.set('pauseTask', 'task T1 is locked: try again');
		app = renderApp(host, {pane: 'tasks'});
		await app.waitForText('water the plants');
		await app.typeAndWait(' ', 'task T1 is locked: try again');
	});

	it('host notices show in the status bar and go away after a while', async () => {
		const host = new FakeHost();
		app = renderApp(host, {noticeLifetimeMs: 300});
		await app.waitForText('? help');
		host.emit('notice', {level: 'warn', text: 'WhatsApp reconnecting in 5s'});
		await app.waitForText('WhatsApp reconnecting in 5s');
		expect(app.frame()).not.toContain('? help');
		host.emit('notice', {level: 'error', text: 'WhatsApp logged out: pair again with p'});
		await app.waitForText('WhatsApp logged out: pair again with p');
		await app.waitForText('? help');
		expect(app.frame()).not.toContain('WhatsApp logged out');
	});

	it('/ filters the rows of the pane; Esc clears it', async () => {
		app = renderApp(fourGroups());
		await app.waitForText('Charlie');
		app.type('/');
		await app.typeAndWait('br', '/br█');
		expect(app.frame()).toContain('Bravo');
		expect(app.frame()).not.toContain('Charlie');
		await app.typeAndWait('\r', 'filter /br (Esc clears)');
		expect(app.frame()).not.toContain('Alpha');
		await app.typeAndWait('\u001b', 'Charlie');
	});

	it('registers a seen chat with a folder and a trigger rule, and unregisters a group after asking', async () => {
		const host = hostWith((s) => {
			s.chats.push({jid: 'work@g.us', name: 'Work Chat', channel: 'whatsapp', lastMessageAt: null, isGroup: true});
		});
		app = renderApp(host);
		await app.waitForText('Work Chat');
		app.type('j');
		await app.typeAndWait('n', 'Folder for "Work Chat": work-chat');
		app.type('\r');
		await app.typeAndWait('t', 'registered work-chat');
		expect(host.callsOf('registerGroup')).toEqual([[{jid: 'work@g.us', name: 'Work Chat', folder: 'work-chat', requiresTrigger: true}]]);
		app.type('k');
		await app.typeAndWait('d', 'Unregister Main (main), the MAIN group?');
		app.type('y');
		await waitFor(() => host.callsOf('unregisterGroup').length === 1);
		expect(host.callsOf('unregisterGroup')).toEqual([['main']]);
	});

	it('Enter on a skill shows its text; t triggers it in a chosen group', async () => {
		const host = hostWith((s) => {
			s.skills = [{name: 'summarize', description: 'Summarize', source: 'builtin', dir: '/s'}];
		});
		host.skillTexts.set('summarize', '# Summarize\nRead the chat and summarize it.');
		app = renderApp(host, {pane: 'skills'});
		await app.waitForText('summarize');
		await app.typeAndWait('\r', 'Read the chat and summarize it.');
		await app.typeAndWait('\u001b', 'DESCRIPTION');
		await app.typeAndWait('t', 'Run /summarize in group (folder): main');
		await app.typeAndWait('\r', 'Arguments for /summarize');
		app.type('last week\r');
		await waitFor(() => host.callsOf('triggerSkill').length === 1);
		expect(host.callsOf('triggerSkill')).toEqual([['main', 'summarize', 'last week']]);
	});

	it(':skill NAME and :pair run from the command line; an unknown command says what exists', async () => {
		const host = new FakeHost();
		app = renderApp(host);
		await app.waitForText('FOLDER');
		app.type(':');
		await app.typeAndWait('skill weather Paris', ':skill weather Paris█');
		await app.typeAndWait('\r', 'Run /weather in group (folder): main');
		app.type('\r');
		await waitFor(() => host.callsOf('triggerSkill').length === 1);
		expect(host.callsOf('triggerSkill')).toEqual([['main', 'weather', 'Paris']]);
		app.type(':nope\r');
		await app.waitForText('unknown command ":nope": try :pair, :skill NAME, :stop, :q');
		app.type(':pair\r');
		await app.waitForText('WhatsApp pairing');
	});
});

describe('quit', () => {
	it('with the host in this UI, q asks whether to keep it running: b hands it to the background, Esc stays', async () => {
		app = renderApp();
		await app.waitForText('FOLDER');
		await app.typeAndWait('q', 'Quit: keep the host running in the background');
		app.type('\u001b');
		await app.waitForNoText('Quit: keep');
		expect(app.quits).toBe(0);
		await app.typeAndWait('q', 'b keep it running in the background');
		app.type('b');
		await waitFor(() => app!.quits === 1);
		expect(app.choices).toEqual(['background']);
		await app.waitForText('Handing the host to a background process');
	});

	it('Ctrl-C twice stops, even from a text field', async () => {
		app = renderApp();
		await app.waitForText('FOLDER');
		await app.typeAndWait('c', 'Chat with main');
		await app.typeAndWait('\u0003', 'Quit: keep');
		app.type('\u0003');
		await waitFor(() => app!.quits === 1);
		expect(app.choices).toEqual(['stop']);
	});

	it('s stops, and says how many live runs that closes', async () => {
		const host = hostWith((s) => {
			s.runs = [run()];
		});
		app = renderApp(host);
		await app.waitForText('FOLDER');
		await app.typeAndWait(':q\r', 's stop it (closes 1 live run)');
		app.type('s');
		await waitFor(() => app!.quits === 1);
		expect(app.choices).toEqual(['stop']);
		await app.waitForText('Stopping');
	});

	it('attached: the status bar names the host, q detaches at once; :stop asks, then stops it', async () => {
		app = renderApp(hostWith((s) => void (s.runs = [run()])), {attachedTo: 4242});
		await app.waitForText('attached to host pid 4242');
		app.type('q');
		await waitFor(() => app!.quits === 1);
		expect(app.choices).toEqual(['detach']);
		await app.waitForText('Detaching: the host keeps running');
		app.unmount();
		app = renderApp(hostWith((s) => void (s.runs = [run()])), {attachedTo: 4242});
		await app.waitForText('FOLDER');
		await app.typeAndWait(':stop\r', 'Stop the host (pid 4242)? Its 1 live run close, WhatsApp goes offline');
		app.type('n');
		await app.waitForNoText('Stop the host');
		expect(app.quits).toBe(0);
		await app.typeAndWait(':stop\r', 'Stop the host');
		app.type('y');
		await waitFor(() => app!.quits === 1);
		expect(app.choices).toEqual(['stop']);
	});
});
