import { describe, expect, it } from 'vitest';
import { signedAnswerMessage, toBase64 } from './sign';

describe('signedAnswerMessage', () => {
	it('matches the server’s message byte for byte', async () => {
		// Printed by ecabinet.SignedAnswerMessage(12, 5, …) with these answers.
		const text = await signedAnswerMessage(12, 5, [
			{ question_id: 31, choice: 'other', comment: 'Cần bổ sung đánh giá tác động' },
			{ question_id: 4, choice: 'agree', comment: '' },
			{ question_id: 9, choice: 'disagree', comment: 'Không phù hợp\nvới Luật' }
		]);
		expect(text).toBe(
			'ecabinet/ballot-answer/v1\nballot:12\nmember:5\n' +
				'q:4|agree|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n' +
				'q:9|disagree|0dd836b5d5aa1e08d8b3935476a9ce0cc63b0d39dfa30d33b0b47440f9d164bf\n' +
				'q:31|other|184cc7f838fd59a60de6890604d8f3b47d46fc8d91446ecc8ee9f0f94547d3d5\n'
		);
	});

	it('encodes bytes as standard base64', () => {
		expect(toBase64(new Uint8Array([0, 255, 16, 62, 63]).buffer)).toBe('AP8QPj8=');
	});
});
