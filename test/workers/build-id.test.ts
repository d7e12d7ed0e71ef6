import { describe, expect, it } from 'vitest';
import { defaultBuildId, normaliseBundle } from '../../workers/build-id.js';

const bundle = (modulesPrefix: string, body: string, map: string): string =>
  `/***/ "${modulesPrefix}node_modules/@temporalio/workflow/lib/index.js"\n${body}\n//# sourceMappingURL=data:application/json;base64,${map}\n`;

describe('the default build id (package version + hash of the workflow bundle)', () => {
  it('is the same for the same code whatever the checkout layout and source map', () => {
    const worktree = bundle('../main/', 'exports.a = 1;', 'AAAA');
    const plain = bundle('./', 'exports.a = 1;', 'BBBB');
    expect(normaliseBundle(worktree)).toBe(normaliseBundle(plain));
    expect(defaultBuildId(worktree)).toBe(defaultBuildId(plain));
    expect(defaultBuildId(plain)).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  });

  it('changes when the workflow code changes', () => {
    expect(defaultBuildId(bundle('./', 'exports.a = 1;', 'AAAA'))).not.toBe(defaultBuildId(bundle('./', 'exports.a = 2;', 'AAAA')));
  });
});
