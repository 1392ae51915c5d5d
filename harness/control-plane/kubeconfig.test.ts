import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { renderKubeconfig, serverUrl } from './kubeconfig.ts';

describe('renderKubeconfig', () => {
  it('renders a kubeconfig that client-node loads as given', () => {
    const text = renderKubeconfig({
      serverUrl: serverUrl('127.0.0.1', 16443),
      caPath: '/run/l2lab/pki/ca.crt',
      userName: 'system:node:node-1',
      token: 'secret',
    });
    const kc = new KubeConfig();
    kc.loadFromString(text);
    expect(kc.getCurrentCluster()).toMatchObject({ name: 'l2lab', server: 'https://127.0.0.1:16443', caFile: '/run/l2lab/pki/ca.crt' });
    expect(kc.getCurrentUser()).toMatchObject({ name: 'system:node:node-1', token: 'secret' });
  });

  it('brackets IPv6 addresses', () => {
    expect(serverUrl('fd00::1', 6443)).toBe('https://[fd00::1]:6443');
  });
});
