import type { ReactNode } from 'react';
import type { SettingPath } from '@/lib/admin/settings-controls';

/**
 * Marks the control of one setting (lib/admin/settings-controls.ts lists which page has each): the browser test
 * finds every listed setting by its `data-setting` on its page.
 */
export function Setting({ path, children }: { path: SettingPath; children: ReactNode }) {
  return <div data-setting={path}>{children}</div>;
}
