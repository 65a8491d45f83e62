// The built entry point, spawned with node, speaking the protocol over real stdio.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {expect, it} from 'vitest';
import type {AgentToHost, HostToAgent, StartMessage} from '../../container/agent-runner/src/protocol.js';
import {tempHome} from '../support/temp-home.js';
import {makePaths} from './fake-host.js';

const mainJs = path.resolve('dist/container/agent-runner/src/main.js');

it('the built main.js runs a bash tool call over stdio and exits 0 on close', async () => {
	expect(fs.existsSync(mainJs), `${mainJs} is missing: build first with npx tsc -p tsconfig.json`).toBe(true);
	const {root} = tempHome('babybot-main-');
	const paths = makePaths(root, true);
	const child = spawn(process.execPath, [mainJs], {cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: {PATH: process.env.PATH ?? '/usr/bin:/bin'}});
	let stderr = '';
	child.stderr.on('data', (chunk) => (stderr += chunk));
	const send = (message: HostToAgent) => child.stdin.write(JSON.stringify(message) + '\n');
	const sent: AgentToHost[] = [];
	let requests = 0;
	const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
	readline.createInterface({input: child.stdout}).on('line', (line) => {
		const message = JSON.parse(line) as AgentToHost;
		sent.push(message);
		if (message.type === 'llm_request') {
			requests++;
			if (requests === 1) {
				send({type: 'llm_chunk', requestId: message.requestId, content: '', tool_calls: [{function: {name: 'bash', arguments: {command: 'echo made > proof.txt && pwd'}}}], done: true});
			} else {
				const tool = message.messages.at(-1)!;
				send({type: 'llm_chunk', requestId: message.requestId, content: `tool said: ${tool.role}/${tool.tool_name}`, done: true});
			}
		}
		if (message.type === 'turn_done') send({type: 'close'});
	});
	const start: StartMessage = {
		type: 'start',
		runId: 'r1',
		group: {folder: 'main', name: 'Main', isMain: true, chatJid: 'local:main'},
		assistantName: 'Baby',
		paths,
		contextMode: 'group',
		limits: {maxToolRounds: 4, toolOutputChars: 2000, ipcAckTimeoutMs: 1000},
		turn: {turnId: 't1', prompt: 'make a file'},
	};
	send(start);
	expect(await exited, stderr).toBe(0);
	expect(sent[0]).toEqual({type: 'ready'});
	expect(fs.readFileSync(path.join(paths.group, 'proof.txt'), 'utf8')).toBe('made\n');
	expect(sent).toContainEqual({type: 'tool_use', turnId: 't1', name: 'bash', summary: 'echo made > proof.txt && pwd'});
	expect(sent).toContainEqual({type: 'output', turnId: 't1', text: 'tool said: tool/bash'});
	expect(sent.at(-1)).toEqual({type: 'turn_done', turnId: 't1', ok: true});
	expect(fs.existsSync(path.join(paths.session, 'transcript.json'))).toBe(true);
});
