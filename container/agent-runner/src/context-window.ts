// Fits every model request into the model's context: the system prompt and the tools (the fixed
// part), the history, and the current turn, with the answer's reserve kept free. When the history
// must shrink it does so in one large step at the start of a turn: the tool results of earlier turns
// are shortened to a line, then the oldest whole turns go until it takes well under its room. The
// requests that follow then share their prefix, and Ollama's prompt cache is reused. Where history
// was shortened, the turn's own message says so (and keeps saying it, so the prefix stays the same).
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

/** How many of the oldest turns to drop so that `turnTokens` (oldest first) take at most `target`. */
export function turnsToDrop(turnTokens: number[], target: number): number {
	let total = turnTokens.reduce((a, b) => a + b, 0);
	let drop = 0;
	while (drop < turnTokens.length && total > target) total -= turnTokens[drop++];
	return drop;
}

/** Tool results of earlier turns longer than this are shortened to a line when history must shrink. */
const shortenedToolChars = 300;

export const shortenedToolResult = (chars: number) => `[tool result of ${chars} characters shortened to fit the model's context; call the tool again if you need it]`;

export interface ContextWindowInput {
	budget: ContextBudget;
	systemPrompt: string;
	tools: ToolDefinition[];
	/** The session: turns dropped to fit are removed from its messages for good and counted in `dropped`. */
	transcript: Transcript;
}

export class ContextWindow {
	private budget: ContextBudget;
	/** Notes put in front of this turn's message (saved with it, so later requests keep the same prefix). */
	turnNote = '';

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
	 * At the start of a turn: when the history would leave the turn less than its room (one tool
	 * result at its share and the replies), shrinks it well under that. `turn[0]`, the user's
	 * message, gets a note saying so. Returns what was done, for the log (empty when nothing).
	 */
	beginTurn(turn: ChatMessage[]): string {
		const room = this.roomAfterFixed() - this.sum(turn) - Math.ceil(this.roomAfterFixed() * turnRoomShare);
		return this.sum(this.input.transcript.messages) > room ? this.shrinkHistory(room, turn) : '';
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
		const overflow = () => this.sum(this.input.transcript.messages) + this.sum(turn) - room;
		if (overflow() > 0) this.shrinkHistory(room - this.sum(turn), turn);
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
		return [this.systemMessage(), ...this.input.transcript.messages, ...turn];
	}

	private systemMessage(): ChatMessage {
		return {role: 'system', content: this.input.systemPrompt};
	}

	private roomAfterFixed(): number {
		return fitLimit(this.budget) - estimateRequest([this.systemMessage()], this.input.tools, this.budget.charsPerToken);
	}

	private turnTokens(): number[] {
		const {messages} = this.input.transcript;
		const starts = turnStarts(messages);
		return starts.map((start, index) => this.sum(messages.slice(start, starts[index + 1] ?? messages.length)));
	}

	/** Shortens earlier tool results, then drops the oldest turns, until the history takes at most lowWater of `room`. */
	private shrinkHistory(room: number, turn: ChatMessage[]): string {
		const transcript = this.input.transcript;
		let shortened = 0;
		transcript.messages = transcript.messages.map((message) => {
			if (message.role !== 'tool' || message.content.length <= shortenedToolChars) return message;
			shortened++;
			return {...message, content: shortenedToolResult(message.content.length)};
		});
		const drop = turnsToDrop(this.turnTokens(), Math.max(0, room) * historyLowWater);
		if (drop > 0) {
			transcript.messages = transcript.messages.slice(turnStarts(transcript.messages)[drop] ?? transcript.messages.length);
			transcript.dropped = (transcript.dropped ?? 0) + drop;
		}
		if (!shortened && !drop) return '';
		const what = [
			...(shortened ? [`${shortened} tool result${shortened === 1 ? ' was' : 's were'} shortened`] : []),
			...(drop ? [`the ${drop} oldest turn${drop === 1 ? ' was' : 's were'} dropped`] : []),
		].join(' and ');
		this.turnNote += `[To fit the model's context, ${what} earlier in this conversation.]\n\n`;
		turn[0] = {...turn[0], content: `[To fit the model's context, ${what} earlier in this conversation.]\n\n${turn[0].content}`};
		return what;
	}

	private tokens(message: ChatMessage): number {
		return estimateMessage(message, this.budget.charsPerToken);
	}

	private sum(messages: ChatMessage[]): number {
		return messages.reduce((total, message) => total + this.tokens(message), 0);
	}
}
