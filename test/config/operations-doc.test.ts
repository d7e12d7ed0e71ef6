/**
 * docs/operations.md tells operators which variables to set; a variable it names that
 * the config module does not read would be silently ignored in production. The set of
 * variables the config module reads is observed, not listed: loadConfig runs against an
 * environment that records every name it is asked for.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Names the environment is asked for while loading a configuration. */
function variablesReadByConfig(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
  });
  loadConfig(env);
  return read;
}

/** `NAME` or `NAME=value` in backticks or code blocks: upper-case names with an underscore. */
function variablesNamedIn(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const match of markdown.matchAll(/\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b(?=[=`\s])/g)) names.add(match[1]!);
  return names;
}

/** Read by the AWS SDK's own credential chain, not by shardpilot: named so operators know they apply. */
const AWS_SDK_VARIABLES = new Set(['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
/** Placeholders inside the policy-file instructions, not variables. */
const PLACEHOLDERS = new Set(['ACCOUNT_ID', 'WORKER_ACCOUNT_ID']);

describe('docs/operations.md', () => {
  const doc = readFileSync(resolve(ROOT, 'docs/operations.md'), 'utf8');
  const read = variablesReadByConfig();

  it('names only variables that config/index.ts reads', () => {
    const named = [...variablesNamedIn(doc)].filter((name) => !AWS_SDK_VARIABLES.has(name) && !PLACEHOLDERS.has(name));
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !read.has(name))).toEqual([]);
  });

  it('covers the Temporal Cloud, metrics and logging variables operators must set', () => {
    for (const name of ['TEMPORAL_API_KEY', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA', 'METRICS_PORT', 'LOG_FORMAT', 'WORKER_HEALTH_PORT']) {
      expect(read.has(name), `config reads ${name}`).toBe(true);
      expect(doc, `operations.md names ${name}`).toContain(name);
    }
  });

  it('links the upgrade guide and the IAM policy it describes', () => {
    expect(doc).toContain('(upgrades.md)');
    expect(doc).toContain('(iam-policy.json)');
  });
});
