// Fits every model request into the model's context: the system prompt and the tools (the fixed
// part), the history, and the current turn, with the answer's reserve kept free. History goes in
// whole turns, oldest first, and in one large step (down to well under its room) at the start of a
// turn, so the requests that follow share their prefix and Ollama's prompt cache is reused.
import type {ChatMessage, ContextBudget, ToolDefinition} from './protocol.js';
import type {Transcript} from './session.js';
import {cutText} from './text.js';
import {estimateMessage, estimateRequest, fitLimit, historyLowWater, toolResultShare, turnRoomShare} from './token-budget.js';

/** A turn that cannot fit even with no history (the model's context is too small, or the message too long). */
export class ContextTooSmall extends Error {}

/** The message indexes where each whole turn (a user message and what answers it) starts. */
export function turnStarts(messages: ChatMessage[]): number[] {
	const starts = messages.flatMap((m, index) => (m.role === 'user' ? [index] : []));
	if (messages.length > 0 && starts[0] !== 0) starts.unshift(0);
	return starts;
}

/**
 * How many of the oldest turns to drop so that `turnTokens` (oldest first) leave at most
 * `room`; when they must go, they go down to `lowWater` of that room, not just under it.
 */
export function turnsToDrop(turnTokens: number[], room: number, lowWater = historyLowWater): number {
	let total = turnTokens.reduce((a, b) => a + b, 0);
	if (total <= room) return 0;
	const target = Math.max(0, room) * lowWater;
	let drop = 0;
	while (drop < turnTokens.length && total > target) total -= turnTokens[drop++];
	return drop;
}

export interface ContextWindowInput {
	budget: ContextBudget;
	systemPrompt: string;
	tools: ToolDefinition[];
	/** The session: turns dropped to fit are removed from its messages for good and counted in `dropped`. */
	transcript: Transcript;
}

export class ContextWindow {
	private budget: ContextBudget;

	constructor(private readonly input: ContextWindowInput) {
		this.budget = input.budget;
	}

	get currentBudget(): ContextBudget {
		return this.budget;
	}

	/** A newer budget from the host (a recalibration, or a request it refused as too large). */
	setBudget(budget: ContextBudget): void {
		this.budget = budget;
	}

	/**
	 * At the start of a turn: drops the oldest turns when the history would leave the turn less than
	 * its room (one tool result at its share and the replies). Returns how many turns were dropped.
	 */
	beginTurn(user: ChatMessage): number {
		const room = this.roomAfterFixed() - this.tokens(user) - Math.ceil(this.roomAfterFixed() * turnRoomShare);
		return this.dropTurns(turnsToDrop(this.turnTokens(), room));
	}

	/** The characters the next tool result of this turn may take (the rest is cut with a note). */
	toolResultChars(turn: ChatMessage[]): number {
		const room = this.roomAfterFixed();
		const used = this.sum(turn) + this.sum(this.input.transcript.messages) + 128;
		const share = Math.floor(room * toolResultShare);
		const left = Math.max(Math.min(share, 512), Math.min(share, room - used));
		return Math.max(200, Math.floor(left * this.budget.charsPerToken));
	}

	/**
	 * The request for the turn so far: [system, history, turn], within the budget. More history goes
	 * if it must (the turn grew past its room); then the turn's own tool results are cut, oldest
	 * first; the user's message is never cut. Throws ContextTooSmall when even that is not enough.
	 */
	build(turn: ChatMessage[]): ChatMessage[] {
		const room = this.roomAfterFixed();
		const overflow = () => this.sum(this.history()) + this.sum(turn) - room;
		if (overflow() > 0) this.dropTurns(turnsToDrop(this.turnTokens(), room - this.sum(turn)));
		for (let index = 0; overflow() > 0 && index < turn.length; index++) {
			const message = turn[index];
			if (message.role !== 'tool' || message.content.length <= 400) continue;
			const keep = Math.max(200, message.content.length - Math.ceil(overflow() * this.budget.charsPerToken) - 200);
			turn[index] = {...message, content: cutText(message.content, keep, 'tool result cut further to fit the model\'s context; it')};
		}
		if (overflow() > 0) {
			const fixed = estimateRequest([this.systemMessage()], this.input.tools, this.budget.charsPerToken);
			const wanted = fixed + this.sum(turn);
			throw new ContextTooSmall(
				`this turn needs about ${wanted} tokens but the model's context allows ${fitLimit(this.budget)} (num_ctx ${this.budget.numCtx} less ${this.budget.reserveTokens} for the answer): ` +
					(fixed > fitLimit(this.budget) * 0.8
						? 'the model\'s context is too small for the agent; use a model with a longer context or raise OLLAMA_NUM_CTX'
						: 'send a shorter message, or raise OLLAMA_NUM_CTX'),
			);
		}
		return [this.systemMessage(), ...this.history(), ...turn];
	}

	private systemMessage(): ChatMessage {
		return {role: 'system', content: this.input.systemPrompt};
	}

	/** The history as sent: its first message says how many turns were dropped before it. */
	private history(): ChatMessage[] {
		const {messages, dropped} = this.input.transcript;
		if (!dropped || messages.length === 0) return messages;
		const note = `[${dropped} earlier turn${dropped === 1 ? '' : 's'} of this conversation ${dropped === 1 ? 'was' : 'were'} dropped to fit the model's context; ask if you need something from them.]`;
		return [{...messages[0], content: `${note}\n\n${messages[0].content}`}, ...messages.slice(1)];
	}

	private roomAfterFixed(): number {
		return fitLimit(this.budget) - estimateRequest([this.systemMessage()], this.input.tools, this.budget.charsPerToken);
	}

	private turnTokens(): number[] {
		const {messages} = this.input.transcript;
		const starts = turnStarts(messages);
		return starts.map((start, index) => this.sum(messages.slice(start, starts[index + 1] ?? messages.length)));
	}

	private dropTurns(count: number): number {
		if (count === 0) return 0;
		const transcript = this.input.transcript;
		const starts = turnStarts(transcript.messages);
		transcript.messages = transcript.messages.slice(starts[count] ?? transcript.messages.length);
		transcript.dropped = (transcript.dropped ?? 0) + count;
		return count;
	}

	private tokens(message: ChatMessage): number {
		return estimateMessage(message, this.budget.charsPerToken);
	}

	private sum(messages: ChatMessage[]): number {
		return messages.reduce((total, message) => total + this.tokens(message), 0);
	}
}
