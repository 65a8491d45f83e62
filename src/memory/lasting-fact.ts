// Auto-memory's first step: whether a user's messages look like they state a lasting fact or a
// preference. A cheap check of the words, run on the host for every message turn: most messages
// (questions, requests) match nothing and cost nothing. A match is only a hint: the agent then asks
// the model, in one short request, what (if anything) is worth recording, so a false match costs
// one short request and a missed one is still caught when the model edits memory on its own.

const patterns: RegExp[] = [
	// Preferences and habits: "I prefer tea", "we love hiking", "I don't like mornings", "I never eat meat".
	/\b(i|we)\s+(really\s+|also\s+|usually\s+|always\s+|generally\s+)?(like|love|prefer|hate|dislike|enjoy|adore|detest|can'?t\s+stand|do\s*n[o']t\s+(like|want|eat|drink)|never|always|usually)\b/i,
	// Facts about oneself: "I'm allergic to nuts", "I am vegetarian", "I'm from Bern", "I'm a nurse".
	/\b(i'?m|i\s+am|we'?re|we\s+are)\s+(allergic|vegetarian|vegan|gluten|lactose|diabetic|pregnant|married|divorced|retired|from|based|moving|a|an|the)\b/i,
	// "I live in Zurich", "we work at …", "I was born in 1980", "I have two kids", "we own a boat".
	/\b(i|we)\s+(live|work|study|was\s+born|were\s+born|have|own|speak|drive|go\s+by)\b/i,
	// "My dog is called Bruno", "my birthday is 3 May", "our wifi password is …", "my wife's name is Anna".
	/\b(my|our)\s+([\p{L}\p{N}'’-]+\s+){0,3}(is|are|was|were|lives?|works?|called|named)\b/iu,
	// "Call me Sam", "my name is …".
	/\b(call\s+me|my\s+name\s+is)\b/i,
	// Standing instructions: "remember that …", "from now on …", "please always …", "note that …".
	/\b(remember|don'?t\s+forget|keep\s+in\s+mind|note)\s+(that|this|:|my|our|i|we)\b/i,
	/\b(from\s+now\s+on|going\s+forward|in\s+(the\s+)?future|please\s+(always|never))\b/i,
	// German: "ich mag …", "ich bin Vegetarier", "mein Hund heißt …", "merk dir …", "ab jetzt …".
	/\b(ich|wir)\s+(mag|mögen|liebe|lieben|hasse|bevorzuge|wohne|wohnen|arbeite|arbeiten|bin|sind|habe|haben|esse\s+kein)\b/iu,
	/\b(mein|meine|unser|unsere)\s+([\p{L}\p{N}'’-]+\s+){0,3}(ist|sind|heißt|heisst|wohnt|arbeitet)\b/iu,
	/\b(merk\s+dir|vergiss\s+nicht|ab\s+(jetzt|sofort))\b/iu,
];

/** Sentences of a message; a question states nothing lasting. */
const statements = (text: string) =>
	text
		.split(/(?<=[.!?\n])\s+/)
		.map((sentence) => sentence.trim())
		.filter((sentence) => sentence && !sentence.endsWith('?'));

/** Whether any of the user's messages looks like a lasting fact or preference. */
export function statesLastingFact(messages: string[]): boolean {
	return messages.some((message) => statements(message).some((sentence) => patterns.some((pattern) => pattern.test(sentence))));
}
