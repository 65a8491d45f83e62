import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ConfigError, loadConfig, parseDotEnv} from '../src/config.js';
import {tempHome} from './support/temp-home.js';

const base = (env: Record<string, string> = {}) => {
	const {home, root} = tempHome();
	return loadConfig({env: {BABYBOT_HOME: home, ...env}, homeDir: root});
};

describe('config', () => {
	it('has the documented defaults', () => {
		const config = base();
		expect(config).toMatchObject({
			assistantName: 'Baby',
			trigger: '@Baby',
			ollamaBaseUrl: 'http://127.0.0.1:11434',
			containerRuntime: 'auto',
			containerIdleTimeoutMs: 300_000,
			ollamaStallTimeoutMs: 120_000,
			ollamaNumCtx: 'auto',
			ollamaKeepAlive: '30m',
			ollamaThink: 'off',
			maxConcurrentContainers: 3,
			enableAutoMemory: true,
			logLevel: 'info',
			logMaxBytes: 10 * 1024 * 1024,
			logMaxFiles: 5,
			retentionDays: 30,
			ollamaNumParallel: 1,
			enableAgentSwarms: true,
			agentSwarmMax: 3,
			agentSwarmMaxRounds: 10,
			agentSwarmTokenBudget: 60_000,
		});
		expect(config.ollamaModel).toMatch(/^qwen3/);
		expect(config.mountAllowlistPath).toMatch(/\.config\/babybot\/mount-allowlist\.json$/);
	});

	it.each([
		[{OLLAMA_HOST: '127.0.0.1:9999'}, 'ollamaBaseUrl', 'http://127.0.0.1:9999'],
		[{OLLAMA_HOST: 'http://a:1', OLLAMA_BASE_URL: 'http://b:2'}, 'ollamaBaseUrl', 'http://b:2'],
		[{ASSISTANT_NAME: 'Andy'}, 'trigger', '@Andy'],
		[{CONTAINER_RUNTIME: 'Docker'}, 'containerRuntime', 'docker'],
		[{MAX_CONCURRENT_CONTAINERS: '5'}, 'maxConcurrentContainers', 5],
		[{OLLAMA_STALL_TIMEOUT: '600000'}, 'ollamaStallTimeoutMs', 600_000],
		[{TZ: 'Europe/Berlin'}, 'timezone', 'Europe/Berlin'],
		[{OLLAMA_NUM_CTX: '32768'}, 'ollamaNumCtx', 32_768],
		[{OLLAMA_NUM_CTX: 'AUTO'}, 'ollamaNumCtx', 'auto'],
		[{OLLAMA_KEEP_ALIVE: '1h30m'}, 'ollamaKeepAlive', '1h30m'],
		[{OLLAMA_KEEP_ALIVE: '-1'}, 'ollamaKeepAlive', -1],
		[{OLLAMA_KEEP_ALIVE: '600'}, 'ollamaKeepAlive', 600],
		[{OLLAMA_THINK: 'High'}, 'ollamaThink', 'high'],
		[{LOG_MAX_SIZE: '1048576'}, 'logMaxBytes', 1_048_576],
		[{LOG_MAX_FILES: '2'}, 'logMaxFiles', 2],
		[{RETENTION_DAYS: '90'}, 'retentionDays', 90],
		[{OLLAMA_NUM_PARALLEL: '4'}, 'ollamaNumParallel', 4],
		[{ENABLE_AGENT_SWARMS: 'off'}, 'enableAgentSwarms', false],
		[{ENABLE_AGENT_SWARMS: 'FALSE'}, 'enableAgentSwarms', false],
		[{ENABLE_AGENT_SWARMS: '1'}, 'enableAgentSwarms', true],
		[{AGENT_SWARM_MAX: '5'}, 'agentSwarmMax', 5],
		[{AGENT_SWARM_MAX_ROUNDS: '4'}, 'agentSwarmMaxRounds', 4],
		[{AGENT_SWARM_TOKEN_BUDGET: '20000'}, 'agentSwarmTokenBudget', 20_000],
		[{ENABLE_AUTO_MEMORY: 'false'}, 'enableAutoMemory', false],
		[{ENABLE_AUTO_MEMORY: 'Off'}, 'enableAutoMemory', false],
		[{ENABLE_AUTO_MEMORY: '1'}, 'enableAutoMemory', true],
	])('reads %j', (env, key, value) => {
		expect(base(env)[key as keyof ReturnType<typeof base>]).toEqual(value);
	});

	it.each([
		[{CONTAINER_RUNTIME: 'lxc'}, /CONTAINER_RUNTIME=lxc is not one of auto, apple-container, docker, podman, gvisor, none/],
		[{CONTAINER_TIMEOUT: '-5'}, /CONTAINER_TIMEOUT=-5 is not a positive whole number of milliseconds/],
		[{CONTAINER_IDLE_TIMEOUT: '5m'}, /CONTAINER_IDLE_TIMEOUT=5m is not a positive whole number/],
		[{MAX_CONCURRENT_CONTAINERS: '0'}, /MAX_CONCURRENT_CONTAINERS=0/],
		[{OLLAMA_STALL_TIMEOUT: '2m'}, /OLLAMA_STALL_TIMEOUT=2m is not a positive whole number of milliseconds/],
		[{CONTAINER_MAX_OUTPUT_SIZE: 'lots'}, /CONTAINER_MAX_OUTPUT_SIZE=lots/],
		[{OLLAMA_BASE_URL: 'ftp://x'}, /must be an http/],
		[{OLLAMA_BASE_URL: 'http://'}, /not a URL/],
		[{ASSISTANT_NAME: 'Two words'}, /ASSISTANT_NAME=Two words must be/],
		[{LOG_LEVEL: 'loud'}, /LOG_LEVEL=loud is not one of/],
		[{ENABLE_AUTO_MEMORY: 'sometimes'}, /^ENABLE_AUTO_MEMORY=sometimes is neither on nor off: set ENABLE_AUTO_MEMORY=true or ENABLE_AUTO_MEMORY=false$/],
		[{TZ: 'Mars/Olympus'}, /TZ=Mars\/Olympus is not a known time zone/],
		[{OLLAMA_MODEL: '--evil'}, /OLLAMA_MODEL=--evil is not a model name/],
		[{CONTAINER_IMAGE: 'Bad Image'}, /CONTAINER_IMAGE=Bad Image/],
		[{OLLAMA_NUM_CTX: '512'}, /OLLAMA_NUM_CTX=512 is not a context size: set a number of tokens of at least 1024/],
		[{OLLAMA_NUM_CTX: '16k'}, /OLLAMA_NUM_CTX=16k is not a context size/],
		[{OLLAMA_KEEP_ALIVE: 'forever'}, /OLLAMA_KEEP_ALIVE=forever is not a duration: set it like OLLAMA_KEEP_ALIVE=30m/],
		[{OLLAMA_THINK: 'maybe'}, /OLLAMA_THINK=maybe is not one of off, on, low, medium, high/],
		[{LOG_MAX_SIZE: '10MB'}, /LOG_MAX_SIZE=10MB is not a positive whole number of bytes: set it like LOG_MAX_SIZE=10485760/],
		[{LOG_MAX_FILES: '0'}, /LOG_MAX_FILES=0 is not a positive whole number of files/],
		[{RETENTION_DAYS: 'forever'}, /RETENTION_DAYS=forever is not a positive whole number of days: set it like RETENTION_DAYS=30/],
		[{OLLAMA_NUM_PARALLEL: '0'}, /OLLAMA_NUM_PARALLEL=0 is not a positive whole number of requests/],
		[{ENABLE_AGENT_SWARMS: 'sometimes'}, /ENABLE_AGENT_SWARMS=sometimes is neither on nor off: set ENABLE_AGENT_SWARMS=true or ENABLE_AGENT_SWARMS=false/],
		[{AGENT_SWARM_MAX: '11'}, /AGENT_SWARM_MAX=11 is more than 10 sub-agents: set it between 1 and 10/],
		[{AGENT_SWARM_MAX_ROUNDS: 'many'}, /AGENT_SWARM_MAX_ROUNDS=many is not a positive whole number of rounds/],
		[{AGENT_SWARM_TOKEN_BUDGET: '-1'}, /AGENT_SWARM_TOKEN_BUDGET=-1 is not a positive whole number of tokens/],
	])('refuses %j with a one-line error', (env, message) => {
		let error: unknown;
		try {
			base(env);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ConfigError);
		expect((error as Error).message).toMatch(message);
		expect((error as Error).message).not.toContain('\n');
	});

	it('reads $BABYBOT_HOME/.env, and the environment wins over it', () => {
		const {home, root} = tempHome();
		fs.writeFileSync(path.join(home, '.env'), '# comment\nASSISTANT_NAME=Nova\nOLLAMA_MODEL="llama3.1:8b"\n');
		const config = loadConfig({env: {BABYBOT_HOME: home, OLLAMA_MODEL: 'qwen3:4b'}, homeDir: root});
		expect(config.assistantName).toBe('Nova');
		expect(config.ollamaModel).toBe('qwen3:4b');
	});

	it('says which .env line is wrong', () => {
		const {home, root} = tempHome();
		fs.writeFileSync(path.join(home, '.env'), 'A=1\nthis is not an assignment\n');
		expect(() => loadConfig({env: {BABYBOT_HOME: home}, homeDir: root})).toThrow(/\.env: \.env line 2 is not KEY=value/);
	});

	it('flags win over the environment, and ~ expands', () => {
		const {root} = tempHome();
		const config = loadConfig({env: {BABYBOT_HOME: '/nowhere'}, flags: {BABYBOT_HOME: '~/bb'}, homeDir: root});
		expect(config.home).toBe(path.join(root, 'bb'));
	});

	it.each([
		['A=1', {A: '1'}],
		["export B='two words'", {B: 'two words'}],
		['C=x # trailing comment', {C: 'x'}],
		['D=', {D: ''}],
	])('parses .env line %j', (line, expected) => {
		expect(parseDotEnv(line)).toEqual(expected);
	});
});
