// A group's sandbox run as the host builds it: its spec and mounts, its limits, and where its
// output, deltas and state go.
import {describeRequest} from '../llm/llm-stats.js';
import {stripInternal} from '../router.js';
import type {RunOutputs} from '../runner/run-output.js';
import {SandboxRun} from '../runner/sandbox-run.js';
import {swarmSettings} from '../runner/subagents.js';
import type {MemoryUpkeep} from '../../container/agent-runner/src/protocol.js';
import type {ContextMode, RegisteredGroup} from '../api/types.js';
import type {GroupRunnerDeps} from './group-runner-deps.js';
import {groupSandboxSpec} from './group-sandbox.js';
import {sandboxUid, unwritableBySandbox} from './sandbox-spec.js';

export interface SandboxRunInput {
	deps: GroupRunnerDeps;
	group: RegisteredGroup;
	contextMode: ContextMode;
	outputs: RunOutputs;
	/** Read-write mounts already reported as not writable by the sandbox user (once per host). */
	warnedUnwritable: Set<string>;
	/** Memory files this run is to compact first. */
	memory?: MemoryUpkeep;
}

/** Builds the run (not started); throws when the sandbox cannot be prepared. */
export function createSandboxRun({deps, group, contextMode, outputs, warnedUnwritable, memory}: SandboxRunInput): SandboxRun {
	const {config, launcher, logger} = deps;
	const extraMounts = deps.extraMounts(group);
	const spec = groupSandboxSpec(deps, group, extraMounts);
	if (launcher.sandboxed) {
		for (const hostPath of unwritableBySandbox(extraMounts)) {
			const key = `${group.folder}\u0000${hostPath}`;
			if (warnedUnwritable.has(key)) continue;
			warnedUnwritable.add(key);
			logger.warn({group: group.folder, path: hostPath}, `read-write mount ${hostPath} is not writable by the sandbox user (uid ${sandboxUid}, as the host runs as root): chown it to ${sandboxUid}, or run babybot as a regular user`);
		}
	}
	return new SandboxRun({
		launcher,
		spec,
		llm: deps.llm,
		web: deps.web,
		memory: deps.memory,
		logger,
		idleTimeoutMs: config.containerIdleTimeoutMs,
		hardTimeoutMs: config.containerTimeoutMs,
		maxOutputBytes: config.containerMaxOutputBytes,
		output: outputs.create(spec.runId),
		clock: deps.clock,
		start: {
			runId: spec.runId,
			group: {folder: group.folder, name: group.name, isMain: group.isMain, chatJid: group.jid},
			assistantName: config.assistantName,
			contextMode,
			limits: {maxToolRounds: 20, toolOutputChars: 20_000, ipcAckTimeoutMs: 30_000},
			swarm: swarmSettings(config),
			...(memory ? {memory} : {}),
		},
		onSubagent: () => deps.onSubagent?.(),
		onOutput: (turn, text) => {
			const clean = stripInternal(text);
			if (clean) deps.deliver(turn.chatJid, clean, {throughSeq: turn.throughSeq});
		},
		onDelta: (turn, text) => deps.onDelta(group.folder, turn.chatJid, text),
		onLlmStats: (stats) => {
			const fields = {group: group.folder, run: spec.runId};
			if (stats.overBudget) logger.warn(fields, `model request over its budget: ${describeRequest(stats)}; the estimate was raised`);
			else logger.info(fields, `model request: ${describeRequest(stats)}`);
		},
		onUpdate: (record) => {
			deps.runs.save(record);
			deps.onRunUpdate(record);
		},
	});
}
