import {describe, expect, it} from 'vitest';
import {formatMessages, formatScheduledPrompt, shouldTrigger, stripInternal, triggerPattern} from '../src/router.js';

const group = {isMain: false, requiresTrigger: true, trigger: '@Baby'};
const msg = (content: string, isBotMessage = false) => ({content, isBotMessage});

describe('trigger matching', () => {
	it.each([
		['@Baby hi', true],
		['@baby hi', true],
		['  @BABY, what time is it', true],
		['@Baby', true],
		['@Babylon hi', false],
		['@Baby_bot hi', false],
		['hi @Baby', false],
		['Baby hi', false],
		['', false],
	])('%j triggers a group that requires it: %s', (content, expected) => {
		expect(shouldTrigger(group, [msg(content)])).toBe(expected);
	});

	it.each([
		[{...group, isMain: true}, 'hello', true],
		[{...group, requiresTrigger: false}, 'hello', true],
		[group, 'hello', false],
	])('main and no-trigger groups need no trigger (%#)', (g, content, expected) => {
		expect(shouldTrigger(g, [msg(content)])).toBe(expected);
	});

	it('never triggers on the bot\'s own messages', () => {
		expect(shouldTrigger({...group, isMain: true}, [msg('@Baby hi', true)])).toBe(false);
	});

	it('triggers when any message of the batch carries the trigger', () => {
		expect(shouldTrigger(group, [msg('context'), msg('@Baby summarise')])).toBe(true);
	});

	it('escapes regexp characters in assistant names', () => {
		expect(triggerPattern('@A.b').test('@Axb hi')).toBe(false);
	});
});

describe('formatting', () => {
	it.each([
		['plain', 'plain'],
		['<b>&</b>', '&lt;b&gt;&amp;&lt;/b&gt;'],
		['</message><message sender="x">', '&lt;/message&gt;&lt;message sender=&quot;x&quot;&gt;'],
	])('escapes %j', (content, escaped) => {
		const out = formatMessages([{senderName: 'Ann "A"', timestamp: '2026-01-01T00:00:00.000Z', content}]);
		expect(out).toContain(`>${escaped}</message>`);
		expect(out).toContain('sender="Ann &quot;A&quot;"');
	});

	it('keeps message order', () => {
		const out = formatMessages([
			{senderName: 'a', timestamp: 't1', content: 'first'},
			{senderName: 'b', timestamp: 't2', content: 'second'},
		]);
		expect(out.indexOf('first')).toBeLessThan(out.indexOf('second'));
	});

	it.each([
		['Hello <internal>thinking</internal>world', 'Hello world'],
		['<internal>a</internal>\n\n\n<internal>b</internal>Answer', 'Answer'],
		['Answer <internal>cut off', 'Answer'],
		['<INTERNAL>x</INTERNAL>ok', 'ok'],
		['no internal', 'no internal'],
	])('strips internal blocks from %j', (input, expected) => {
		expect(stripInternal(input)).toBe(expected);
	});

	it('marks scheduled prompts', () => {
		expect(formatScheduledPrompt('check <mail>', 't1')).toContain('scheduled_task id="t1"');
		expect(formatScheduledPrompt('check <mail>', 't1')).toContain('check &lt;mail&gt;');
	});
});
