// The host's LLM bridge as the configuration describes it (the host and `doctor` use the same one).
import path from 'node:path';
import type {Config} from '../config.js';
import {LlmBridge, type LlmBridgeOptions} from '../llm-bridge.js';
import {homePaths} from '../paths.js';
import {swarmSettings} from '../runner/subagents.js';
import {agentFixedTokens} from './fixed-part.js';
import {ModelQueue} from './model-queue.js';

export function createLlmBridge(config: Config, extra: Pick<LlmBridgeOptions, 'onRequest'> = {}): LlmBridge {
	const paths = homePaths(config.home);
	return new LlmBridge({
		baseUrl: config.ollamaBaseUrl,
		model: config.ollamaModel,
		stallTimeoutMs: config.ollamaStallTimeoutMs,
		numCtx: config.ollamaNumCtx,
		keepAlive: config.ollamaKeepAlive,
		think: config.ollamaThink,
		calibrationFile: path.join(paths.storeDir, 'llm-calibration.json'),
		queue: new ModelQueue({parallel: config.ollamaNumParallel}),
		fixedTokens: (charsPerToken) =>
			agentFixedTokens(
				{
					assistantName: config.assistantName,
					groupDir: path.join(paths.groupsDir, 'main'),
					globalDir: paths.globalDir,
					skillsDir: path.join(config.home, 'skills-synced'),
					swarm: swarmSettings(config),
				},
				charsPerToken,
			),
		...extra,
	});
}
