import { describe, expect, it } from 'vitest';
import { AwsError, frameError } from '../../../emulator/core/errors.js';
import { assertValid, checkField } from '../../../emulator/core/validation.js';

function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    return `${(err as AwsError).code}: ${(err as Error).message}`;
  }
  return 'no error';
}

describe('validation tables', () => {
  it('words one violation as AWS does', () => {
    expect(messageOf(() => assertValid({ StreamName: 'x y' }, { StreamName: { type: 'string', pattern: '[a-zA-Z0-9_.-]+' } }))).toBe(
      "ValidationException: 1 validation error detected: Value 'x y' at 'streamName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
    );
  });

  it('joins several violations with "; " and counts them', () => {
    const message = messageOf(() =>
      assertValid({ Limit: 0 }, { StreamName: { type: 'string', required: true }, Limit: { type: 'integer', min: 1 } }),
    );
    expect(message).toBe(
      "ValidationException: 2 validation errors detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null; " +
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('checks lengths, maxima and enums', () => {
    expect(checkField('a'.repeat(129), { type: 'string', maxLength: 128 }, 'streamName')[0]).toMatch(
      /Member must have length less than or equal to 128$/,
    );
    expect(checkField('', { type: 'string', minLength: 1 }, 'k')[0]).toMatch(/Member must have length greater than or equal to 1$/);
    expect(checkField(11, { type: 'integer', max: 10 }, 'n')[0]).toMatch(/Member must have value less than or equal to 10$/);
    expect(checkField('C', { type: 'string', enum: ['A', 'B'] }, 'e')[0]).toMatch(/Member must satisfy enum value set: \[A, B\]$/);
    expect(checkField([1, 2, 3], { type: 'array', maxItems: 2 }, 'records')[0]).toMatch(/Member must have length less than or equal to 2$/);
    expect(checkField('AAAA', { type: 'blob', maxLength: 2 }, 'data')[0]).toMatch(/length less than or equal to 2$/);
  });

  it('turns a type mismatch into SerializationException, as AWS does before validating', () => {
    expect(messageOf(() => checkField('7', { type: 'integer' }, 'limit'))).toMatch(/^SerializationException: /);
    expect(messageOf(() => checkField(7, { type: 'string' }, 'streamName'))).toMatch(/^SerializationException: /);
    expect(messageOf(() => checkField('not base64!', { type: 'blob' }, 'data'))).toMatch(/^SerializationException: /);
    for (const bad of ['AA=A', 'A===', 'AAA', 'AA\nA']) {
      expect(messageOf(() => checkField(bad, { type: 'blob' }, 'data'))).toMatch(/^SerializationException: /);
    }
    for (const good of ['', 'AAAA', 'AA==', 'AAA=', 'ab+/']) expect(checkField(good, { type: 'blob' }, 'data')).toEqual([]);
  });
});

describe('error framing', () => {
  it('sends __type, the message under the service key and x-amzn-errortype', () => {
    const framed = frameError(new AwsError('ResourceNotFoundException', 'gone'), {
      contentType: 'application/x-amz-json-1.1',
      errorMessageKey: 'Message',
    });
    expect(framed.status).toBe(400);
    expect(framed.headers['x-amzn-errortype']).toBe('ResourceNotFoundException');
    expect(JSON.parse(framed.body)).toEqual({ __type: 'ResourceNotFoundException', Message: 'gone' });
  });

  it('adds x-amzn-query-error for query-compatible services', () => {
    const framed = frameError(new AwsError('InvalidParameterValueException', 'bad', 400, 'InvalidParameterValue'), {
      contentType: 'application/x-amz-json-1.0',
      errorMessageKey: 'message',
      queryCompatible: true,
    });
    expect(framed.headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
  });

  it('hides internal failures behind a 500 InternalFailure', () => {
    const framed = frameError(new Error('secret detail'));
    expect(framed.status).toBe(500);
    expect(framed.body).not.toContain('secret');
    expect(JSON.parse(framed.body).__type).toBe('InternalFailure');
  });
});
