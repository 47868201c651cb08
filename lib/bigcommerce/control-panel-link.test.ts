import { describe, expect, it } from 'vitest';
import { controlPanelAppLink } from './control-panel-link';

describe('links into the app inside the control panel', () => {
  it('open the app page at the store’s permanent control-panel address, the path after the app ID', () => {
    const config = { appId: '38421', sandboxOrigin: null };
    expect(controlPanelAppLink(config, 'abc123', '/activity/120')).toBe('https://store-abc123.mybigcommerce.com/manage/app/38421/activity/120');
    expect(controlPanelAppLink(config, 'abc123', '/')).toBe('https://store-abc123.mybigcommerce.com/manage/app/38421');
  });

  it('against the sandbox, the store’s address is {sandbox}/store-{hash}', () => {
    expect(controlPanelAppLink({ appId: '12345', sandboxOrigin: 'http://127.0.0.1:4100' }, 'demostore', '/reconciliation')).toBe('http://127.0.0.1:4100/store-demostore/manage/app/12345/reconciliation');
  });

  it('without the app ID, open the store’s list of apps; never a path that leaves the app', () => {
    expect(controlPanelAppLink({ appId: null, sandboxOrigin: null }, 'abc123', '/activity/1')).toBe('https://store-abc123.mybigcommerce.com/manage/marketplace/apps/my-apps');
    expect(() => controlPanelAppLink({ appId: '1', sandboxOrigin: null }, 'abc123', '//evil.example/x')).toThrow();
    expect(() => controlPanelAppLink({ appId: '1', sandboxOrigin: null }, 'abc123', 'https://evil.example/')).toThrow();
  });
});
