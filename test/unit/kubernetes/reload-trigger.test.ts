import { describe, expect, it } from 'vitest';
import { RELOADER_LAST_RELOADED_FROM, WAVE_CONFIG_HASH } from '../../../src/ports/kube.js';
import { RELOAD_TRIGGER_ANNOTATIONS, templateMarkOf } from '../../../src/targets/kubernetes/rollout-rules.js';

const reloadTriggerOf = (a: Record<string, string> | undefined) => templateMarkOf(a, RELOAD_TRIGGER_ANNOTATIONS);

// Issue 12: with `bootstrap --reloader stakater` the pod-template change that rolls the demo app is
// Reloader's `reloader.stakater.com/last-reloaded-from`, not Wave's `wave.pusher.com/config-hash`.

/**
 * What Reloader v1.4.21 writes with reloadStrategy annotations: the JSON of the Secret that
 * triggered the reload (stakater/Reloader@v1.4.21 internal/pkg/handler/upgrade.go
 * `createReloadedAnnotations`, pkg/common/reload_source.go `ReloadSource`), its SHA1 changing with the Secret's `.data`.
 */
const reloaded = (sha: string) => JSON.stringify({
  type: 'SECRET', name: 'demo-app-db', namespace: 'vaultctl-demo', hash: sha, containerRefs: ['demo-app'], observedAt: 1_764_496_800,
});

describe('the reload trigger of a pod template', () => {
  it('names both controllers\' annotations, as upstream spells them', () => {
    expect(RELOAD_TRIGGER_ANNOTATIONS).toEqual(['wave.pusher.com/config-hash', 'reloader.stakater.com/last-reloaded-from']);
    expect(RELOADER_LAST_RELOADED_FROM).toBe('reloader.stakater.com/last-reloaded-from');
  });

  it("accepts Wave's hash or Reloader's annotation; a change of either is a new trigger", () => {
    expect(reloadTriggerOf({ [WAVE_CONFIG_HASH]: 'abc' })).toBe('wave.pusher.com/config-hash=abc');
    const a = reloadTriggerOf({ [RELOADER_LAST_RELOADED_FROM]: reloaded('1111') });
    const b = reloadTriggerOf({ [RELOADER_LAST_RELOADED_FROM]: reloaded('2222') });
    expect(a).toBeDefined();
    expect(a).not.toBe(b);
    expect(reloadTriggerOf({ [RELOADER_LAST_RELOADED_FROM]: reloaded('1111') })).toBe(a);
  });

  it('is undefined without either (an image change or `kubectl rollout restart` is not a reload)', () => {
    expect(reloadTriggerOf(undefined)).toBeUndefined();
    expect(reloadTriggerOf({ 'kubectl.kubernetes.io/restartedAt': '2026-11-30T10:00:00Z' })).toBeUndefined();
  });

  it("a lab switched from Wave keeps Wave's last hash: Reloader's new annotation still changes the trigger", () => {
    const before = reloadTriggerOf({ [WAVE_CONFIG_HASH]: 'stale', [RELOADER_LAST_RELOADED_FROM]: reloaded('1111') });
    const after = reloadTriggerOf({ [WAVE_CONFIG_HASH]: 'stale', [RELOADER_LAST_RELOADED_FROM]: reloaded('2222') });
    expect(after).not.toBe(before);
    // And the other way round: a stale Reloader annotation next to a new Wave hash.
    expect(reloadTriggerOf({ [WAVE_CONFIG_HASH]: 'new', [RELOADER_LAST_RELOADED_FROM]: reloaded('1111') }))
      .not.toBe(reloadTriggerOf({ [WAVE_CONFIG_HASH]: 'old', [RELOADER_LAST_RELOADED_FROM]: reloaded('1111') }));
  });
});
