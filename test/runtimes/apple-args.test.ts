import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {buildAppleContainerArgs} from '../../src/runtimes/apple-container-args.js';
import {parseAppleContainerList} from '../../src/runtimes/apple-container-list.js';
import type {SandboxSpec} from '../../src/runtimes/runtime.js';
import {sampleSpec, valuesOf} from './spec-fixture.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('apple container argv', () => {
	const args = buildAppleContainerArgs(sampleSpec({hiddenFiles: []}));

	it('runs interactively, removed after, named, labelled, as the image user, image and command last', () => {
		expect(args.slice(0, 3)).toEqual(['run', '-i', '--rm']);
		expect(valuesOf(args, '--name')).toEqual(['babybot-main-20250101120000000']);
		expect(valuesOf(args, '--label')).toEqual(['babybot.install=abc123def456']);
		expect(valuesOf(args, '--user')).toEqual(['1000:1000']);
		expect(args.slice(-3)).toEqual(['babybot-agent:latest', 'node', '/app/main.js']);
	});

	it.each([
		['--network', 'none'],
		['--memory', '1G'],
		['--cpus', '1'],
		['--cap-drop', 'ALL'],
		['--tmpfs', '/tmp'],
		['-w', '/workspace/group'],
	])('has %s %s', (flag, value) => expect(valuesOf(args, flag)).toEqual([value]));

	it('has the flags it supports and none it does not', () => {
		expect(args).toContain('--read-only');
		expect(args).toContain('--init');
		expect(args).not.toContain('--security-opt');
		expect(args).not.toContain('--pids-limit');
		expect(args).not.toContain('-v');
	});

	it('mounts directories with --mount, read-only ones with ,readonly', () => {
		expect(valuesOf(args, '--mount')).toEqual([
			'type=bind,source=/home/u/.babybot/groups/main,target=/workspace/group',
			'type=bind,source=/home/u/.babybot/groups/global,target=/workspace/global',
			'type=bind,source=/home/u/.babybot/ipc/main/messages,target=/workspace/ipc/messages',
			'type=bind,source=/home/u/.babybot/ipc/main/tasks,target=/workspace/ipc/tasks',
			'type=bind,source=/home/u/.babybot/ipc/main/requests,target=/workspace/ipc/requests',
			'type=bind,source=/home/u/.babybot/ipc/main/acks,target=/workspace/ipc/acks,readonly',
			'type=bind,source=/home/u/.babybot/sessions/main,target=/workspace/session',
			'type=bind,source=/home/u/.babybot/skills,target=/workspace/skills,readonly',
			'type=bind,source=/home/u/babybot,target=/workspace/project,readonly',
		]);
	});

	it('rounds fractional cpus up to whole VM cpus', () => {
		expect(valuesOf(buildAppleContainerArgs(sampleSpec({hiddenFiles: [], limits: {memory: '512m', cpus: '0.5', pids: 64}})), '--cpus')).toEqual(['1']);
	});

	it('with network, no --network none', () => {
		expect(buildAppleContainerArgs(sampleSpec({hiddenFiles: [], network: true}))).not.toContain('none');
	});

	it('refuses to expose a hidden file it cannot cover', () => {
		expect(() => buildAppleContainerArgs(sampleSpec())).toThrow(/cannot hide \/workspace\/project\/\.env/);
	});

	it.each<[string, Partial<SandboxSpec>, RegExp]>([
		['a comma in a host path', {hiddenFiles: [], mounts: [{hostPath: '/tmp/a,readonly=false', containerPath: '/workspace/group', readonly: true}]}, /':' ','/],
		['a flag as name', {hiddenFiles: [], containerName: '-d'}, /container name "-d"/],
	])('refuses %s', (_name, overrides, message) => {
		expect(() => buildAppleContainerArgs(sampleSpec(overrides))).toThrow(message);
	});
});

describe('container ls --format json', () => {
	it.each([
		['0.x', 'apple-ls-0x.json'],
		['1.x', 'apple-ls-1x.json'],
	])('parses the %s shape', (_version, file) => {
		expect(parseAppleContainerList(fixture(file))).toEqual([
			{name: 'babybot-main-20250101120000000', state: 'running', labels: {'babybot.install': 'abc123def456'}},
			{name: 'babybot-family-20250101110000000', state: 'stopped', labels: {'babybot.install': 'abc123def456'}},
			{name: 'buildkit', state: 'running', labels: {}},
		]);
	});

	it('reads an empty list', () => {
		expect(parseAppleContainerList('[]\n')).toEqual([]);
		expect(parseAppleContainerList('')).toEqual([]);
	});

	it.each([
		['not JSON', 'Error: XPC connection error', /not JSON/],
		['an object', '{"id": "x"}', /JSON array/],
		['an entry without id', '[{"status": "running"}]', /no id/],
	])('says plainly when the output is %s', (_name, text, message) => {
		expect(() => parseAppleContainerList(text)).toThrow(message);
	});
});
