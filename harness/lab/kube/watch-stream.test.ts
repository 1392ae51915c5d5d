import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../core/object-store.ts';
import { laterResourceVersion, parseWatchLine, resyncEvents, splitLines, watchBackoffMs } from './watch-stream.ts';

const obj = (name: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', resourceVersion: rv } });

describe('watch stream parsing', () => {
  it('splits chunks into complete lines and keeps the rest', () => {
    const first = splitLines('', '{"a":1}\n{"b"');
    expect(first).toEqual({ lines: ['{"a":1}'], rest: '{"b"' });
    expect(splitLines(first.rest, ':2}\n\n')).toEqual({ lines: ['{"b":2}'], rest: '' });
  });

  it('reads events, bookmarks, errors and refuses the rest', () => {
    expect(parseWatchLine('{"type":"ADDED","object":{"metadata":{"name":"a"}}}')).toEqual({ kind: 'event', type: 'ADDED', object: { metadata: { name: 'a' } } });
    expect(parseWatchLine('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"77"}}}')).toEqual({ kind: 'bookmark', resourceVersion: '77' });
    expect(parseWatchLine('{"type":"ERROR","object":{"kind":"Status","code":410,"message":"too old resource version: 5 (90)"}}')).toEqual({ kind: 'error', code: 410, message: 'too old resource version: 5 (90)' });
    expect(parseWatchLine('{"type":"WHAT","object":{}}').kind).toBe('malformed');
    expect(parseWatchLine('{"type":"ADDED"').kind).toBe('malformed');
  });
});

describe('resume logic', () => {
  it('resumes from the largest revision seen, numerically', () => {
    expect(laterResourceVersion(undefined, '9')).toBe('9');
    expect(laterResourceVersion('10', '9')).toBe('10');
    expect(laterResourceVersion('9', '10')).toBe('10');
    expect(laterResourceVersion('10', undefined)).toBe('10');
  });

  it('backs off exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 10].map((n) => watchBackoffMs(n, 200, 5000))).toEqual([200, 400, 800, 1600, 5000]);
  });

  it('turns a re-LIST into the events the watcher missed, deletions stamped with the list revision', () => {
    const delivered = new Map([
      ['default/a', obj('a', '5')],
      ['default/b', obj('b', '6')],
      ['default/c', obj('c', '7')],
    ]);
    const events = resyncEvents(delivered, [obj('a', '5'), obj('c', '12'), obj('d', '11')], '20');
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`)).toEqual(['DELETED b@20', 'MODIFIED c@12', 'ADDED d@11']);
  });
});
