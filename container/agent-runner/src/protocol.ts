// The stdio JSON-lines protocol between the host and the agent-runner.
// One JSON object per line in each direction. This file is imported by the host for its
// types and compiled into the agent-runner; it must not import anything.

/** Paths the agent sees, already translated for its runtime (/workspace/... in a sandbox). */
export interface WorkspacePaths {
	group: string;
	global: string;
	ipc: string;
	session: string;
	skills: string;
	project?: string;
	extra: Record<string, string>;
	/** Which of the paths above are read-only (file tools refuse writes there in every runtime). */
	readOnly: string[];
}

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string;
	tool_calls?: ToolCall[];
	tool_name?: string;
}

export interface ToolCall {
	function: {name: string; arguments: Record<string, unknown> | string};
}

export interface ToolDefinition {
	type: 'function';
	function: {
		name: string;
		description: string;
		parameters: {type: 'object'; properties: Record<string, unknown>; required?: string[]};
	};
}

/**
 * What one model request may hold: every request of the run fits it. The host sizes num_ctx for
 * the model and calibrates the estimate from the token counts Ollama reports.
 */
export interface ContextBudget {
	/** `options.num_ctx`, the same on every request of the model. */
	numCtx: number;
	/** Tokens kept free for the answer (`options.num_predict`). */
	reserveTokens: number;
	/** The host's estimate for this model: characters per prompt token. */
	charsPerToken: number;
}

// ---- host -> agent (stdin) ----

export interface StartMessage {
	type: 'start';
	runId: string;
	/** `chatJid` is the chat this run answers (the default target of send_message). */
	group: {folder: string; name: string; isMain: boolean; chatJid: string};
	assistantName: string;
	paths: WorkspacePaths;
	/** 'group' keeps the group's session transcript; 'isolated' starts fresh and saves nothing. */
	contextMode: 'group' | 'isolated';
	limits: {maxToolRounds: number; toolOutputChars: number; ipcAckTimeoutMs: number};
	/** The model's context budget (a default one when absent). */
	budget?: ContextBudget;
	/** Sub-agents (the delegate tool); absent when the operator turned them off. */
	swarm?: SwarmSettings;
	/** First turn. */
	turn: TurnInput;
}

/** Limits of the delegate tool: sub-agents per call, and each one's rounds and tokens. */
export interface SwarmSettings {
	maxAgents: number;
	maxRounds: number;
	/** Prompt and output tokens one sub-agent may use over all its model requests. */
	tokenBudget: number;
}

export interface TurnInput {
	turnId: string;
	/** Formatted prompt: XML-escaped messages since the cursor, or a scheduled task prompt. */
	prompt: string;
	/** Skills loaded for this turn only (from a `/name args` invocation). */
	skills?: Array<{name: string; args: string; body: string}>;
	/** Host command: compact the session (`/compact`) or summarise it into memory and restart (`/clear`). */
	command?: 'clear' | 'compact';
	/** The host's latest budget (its calibration improves as the model answers). */
	budget?: ContextBudget;
}

export interface TurnMessage extends TurnInput {
	type: 'turn';
}

export interface LlmChunkMessage {
	type: 'llm_chunk';
	requestId: string;
	content: string;
	thinking?: string;
	tool_calls?: ToolCall[];
	done: boolean;
	/** On the last chunk: `length` when the answer was cut at the reserve (num_predict). */
	done_reason?: string;
	/** On the last chunk: the tokens Ollama counted (prompt_eval_count, eval_count). */
	usage?: {promptTokens: number; outputTokens: number};
}

export interface LlmErrorMessage {
	type: 'llm_error';
	requestId: string;
	error: string;
	/** Set when the request did not fit the model's context: fit it to this budget and send it again. */
	budget?: ContextBudget;
}

export interface CloseMessage {
	type: 'close';
}

/** What the host made of a web_request: the page, a wait for the operator, a refusal or a failure. */
export type WebFetchResult =
	| {
			status: 'fetched';
			httpStatus: number;
			finalUrl: string;
			contentType: string;
			title?: string;
			text: string;
			/** What was cut or skipped, and why. */
			notes: string[];
	  }
	| {status: 'waiting' | 'refused' | 'failed'; reason: string};

export interface WebResponseMessage {
	type: 'web_response';
	requestId: string;
	result: WebFetchResult;
}

/** The operator stops one sub-agent; the run and the other sub-agents carry on. */
export interface KillSubagentMessage {
	type: 'kill_subagent';
	id: string;
}

export type HostToAgent = StartMessage | TurnMessage | LlmChunkMessage | LlmErrorMessage | WebResponseMessage | KillSubagentMessage | CloseMessage;

// ---- agent -> host (stdout) ----

export interface ReadyMessage {
	type: 'ready';
}

export interface LlmRequestMessage {
	type: 'llm_request';
	requestId: string;
	messages: ChatMessage[];
	tools: ToolDefinition[];
	/** The sub-agent asking (its id); absent for the run's own turn. */
	subagent?: string;
}

/** The agent no longer wants the answer of a request (its sub-agent was stopped). */
export interface LlmCancelMessage {
	type: 'llm_cancel';
	requestId: string;
}

/** Streaming text of the answer in progress (for the TUI); the chat gets `output`. */
export interface DeltaMessage {
	type: 'delta';
	turnId: string;
	text: string;
}

/** A finished answer for the chat of the turn. May come more than once per turn. */
export interface OutputMessage {
	type: 'output';
	turnId: string;
	text: string;
}

export interface ToolUseMessage {
	type: 'tool_use';
	turnId: string;
	name: string;
	summary: string;
}

export interface TurnDoneMessage {
	type: 'turn_done';
	turnId: string;
	ok: boolean;
	error?: string;
}

/** web_fetch: the host fetches `url` (if the operator allows its host) and answers with web_response. */
export interface WebRequestMessage {
	type: 'web_request';
	requestId: string;
	url: string;
	/** The most text (UTF-8 bytes) the answer may carry. */
	maxBytes: number;
}

export interface LogMessage {
	type: 'log';
	level: 'debug' | 'info' | 'warn' | 'error';
	msg: string;
	/** The sub-agent the line is about (its name). */
	subagent?: string;
}

export type SubagentState = 'running' | 'done' | 'failed' | 'timed out' | 'killed';

/** A sub-agent started, moved on or ended: what the Containers pane shows of it. */
export interface SubagentMessage {
	type: 'subagent';
	id: string;
	name: string;
	state: SubagentState;
	rounds: number;
	/** Prompt and output tokens of its model requests so far. */
	tokens: number;
	/** The latest thing it said or did (one line, cut). */
	lastOutput?: string;
	/** Why it failed, timed out or was killed. */
	error?: string;
	/** Lines of its transcript since the last message. */
	lines?: string[];
}

export type AgentToHost =
	| ReadyMessage
	| LlmRequestMessage
	| DeltaMessage
	| OutputMessage
	| ToolUseMessage
	| TurnDoneMessage
	| WebRequestMessage
	| LogMessage
	| LlmCancelMessage
	| SubagentMessage;

export const agentMessageTypes = ['ready', 'llm_request', 'delta', 'output', 'tool_use', 'turn_done', 'web_request', 'log', 'llm_cancel', 'subagent'] as const;
