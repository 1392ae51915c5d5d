import fc from 'fast-check';
import { describe, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCiliumValues } from './cilium-values.ts';
import { parseManifestText } from './parse-documents.ts';

const kinds = ['Service', 'Node', 'Pod', 'EndpointSlice', 'Lease', 'CiliumL2AnnouncementPolicy', 'CiliumLoadBalancerIPPool', 'Gateway', 'List'];
const apiVersions = ['v1', 'cilium.io/v2alpha1', 'cilium.io/v2', 'coordination.k8s.io/v1', 'discovery.k8s.io/v1', 'gateway.networking.k8s.io/v1'];

// Objects that look like manifests (right kinds, random bodies) reach deep into the validators.
const manifestLike = fc.record({
  apiVersion: fc.constantFrom(...apiVersions),
  kind: fc.constantFrom(...kinds),
  metadata: fc.anything(),
  spec: fc.anything(),
  status: fc.anything(),
  items: fc.array(fc.anything(), { maxLength: 3 }),
});

describe('parsers never throw on random input', () => {
  it('parseManifestText on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void parseManifestText(text, 'r.yaml')), { seed: 2, numRuns: 500 });
  });

  it('parseManifestText on random manifest-shaped YAML', () => {
    fc.assert(
      fc.property(fc.array(manifestLike, { minLength: 1, maxLength: 3 }), (docs) => {
        void parseManifestText(docs.map((d) => stringify(d)).join('---\n'), 'r.yaml');
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  it('parseCiliumValues on random YAML', () => {
    fc.assert(fc.property(fc.anything(), (value) => void parseCiliumValues(stringify(value), 'v.yaml')), { seed: 4, numRuns: 300 });
  });
});
