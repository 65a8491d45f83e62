// Auto-memory's cheap first check: which user messages look like a lasting fact or preference.
import {describe, expect, it} from 'vitest';
import {statesLastingFact} from '../../src/memory/lasting-fact.js';

describe('statesLastingFact', () => {
	it.each([
		'I prefer tea to coffee.',
		'we love hiking in the Alps',
		"I don't like mornings",
		'I never eat meat',
		"I'm allergic to peanuts",
		'I am vegetarian',
		"I'm from Bern",
		'I live in Zurich now',
		'I have two kids, Mia and Leo',
		'My dog is called Bruno',
		"My wife's name is Anna.",
		'our wifi password is hunter2',
		'Call me Sam',
		'Remember that the bins go out on Tuesday',
		'From now on answer in German',
		'Please always answer briefly.',
		'Thanks! By the way, I prefer short answers. What is the weather?',
		'Ich mag keinen Kaffee',
		'Mein Hund heißt Bruno',
		'Merk dir: der Müll kommt am Dienstag',
	])('%j states one', (message) => {
		expect(statesLastingFact([message])).toBe(true);
	});

	it.each([
		'What is the weather tomorrow?',
		"What's my dog's name?",
		'Do you like tea?',
		'Can you summarise this article for me',
		'Thanks!',
		'ok',
		'Is my flight on time?',
		'Send the report to Tom',
		'Schedule a reminder for 9am',
		'',
	])('%j states none', (message) => {
		expect(statesLastingFact([message])).toBe(false);
	});

	it('looks at every message of the batch', () => {
		expect(statesLastingFact(['what time is it?', 'also: I am vegan'])).toBe(true);
		expect(statesLastingFact([])).toBe(false);
	});
});
