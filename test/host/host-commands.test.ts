// A host command (/help) answered while a turn of the same chat is still in flight: the cursor
// passes both once that turn is done, nothing is answered twice, and a restart re-runs nothing.
import {expect, it} from 'vitest';
import {queryStore, waitFor} from '../support/cli.js';
import {startScriptedOllama} from '../support/ollama-server.js';
import {tempHome} from '../support/temp-home.js';
import {closeAfterEach, startTestHost} from '../support/test-host.js';

const track = closeAfterEach();

it('/help sent while a turn runs is answered at once and the cursor passes both when the turn is done', async () => {
	const made = tempHome();
	const ollama = track(await startScriptedOllama({replies: [{toolCalls: [{name: 'bash', arguments: {command: 'sleep 1'}}]}, {content: 'slow thing done'}]}));
	const running = await startTestHost({runtime: 'none', ollamaUrl: ollama.url, home: made});
	const replies: string[] = [];
	const turns: Array<{ok: boolean; throughSeq?: number}> = [];
	running.host.events.on('reply', (reply) => replies.push(reply.text));
	running.host.events.on('turn', (turn) => turns.push(turn));

	const slow = (await running.host.sendLocalMessage('main', 'do the slow thing')).seq;
	await waitFor('the model to be asked', () => ollama.chatRequests.length >= 1);
	const help = (await running.host.sendLocalMessage('main', '/help')).seq;
	expect(replies).toEqual([expect.stringContaining('/skills')]);
	const cursor = () => queryStore<{last_seq: number}>(made.home, "SELECT last_seq FROM router_cursors WHERE chat_jid = 'local:main'")[0]?.last_seq ?? 0;
	expect(cursor()).toBeLessThan(slow);

	await waitFor('the slow turn to finish', () => turns.some((turn) => turn.throughSeq === slow && turn.ok));
	expect(cursor()).toBe(help);
	expect(replies).toEqual([expect.stringContaining('/skills'), 'slow thing done']);
	await running.stop();

	const again = track(await startTestHost({runtime: 'none', ollamaUrl: ollama.url, home: made}));
	await new Promise((resolve) => setImmediate(resolve));
	expect(again.host.snapshot().runs.filter((run) => run.state !== 'ended')).toEqual([]);
	expect(ollama.chatRequests).toHaveLength(2);
});
