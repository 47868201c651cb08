'use client';

import { useEffect, useState } from 'react';
import type { SavedSettingsView, SaveSettingsBody, SettingsForm, StoredSettingsView } from '@/lib/admin/settings-form';
import { useMutation } from './hooks';
import { useApi } from './session';

/**
 * The store's settings as one form, for every page that edits some of them: loaded with their version, changed in
 * memory, and saved whole with `expectedVersion` (`PUT /api/admin/settings`), so a page that changes one setting keeps
 * every other and a concurrent save is refused (409) instead of overwritten.
 */
export function useStoreSettings() {
  const stored = useApi<StoredSettingsView>('/api/admin/settings');
  const save = useMutation<SaveSettingsBody, SavedSettingsView>('PUT', '/api/admin/settings');
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (stored.data) {
      setForm(stored.data.settings);
      setVersion(stored.data.version);
    }
  }, [stored.data]);

  /** Replaces one section with a patch of it (the rest of the settings as loaded or last changed). */
  const patch = <K extends keyof SettingsForm>(section: K, change: Partial<SettingsForm[K]>) => {
    setSaved(false);
    setForm((current) => (current ? { ...current, [section]: { ...(current[section] as object), ...change } } : current));
  };
  const update = (next: SettingsForm) => {
    setSaved(false);
    setForm(next);
  };
  /** Saves the whole form; the answer (with the new version) replaces it. True when saved. */
  const submit = async (): Promise<boolean> => {
    if (!form) return false;
    const result = await save.run({ expectedVersion: version, settings: form });
    if (!result) return false;
    setVersion(result.version);
    setForm(result.settings);
    setSaved(true);
    return true;
  };

  return {
    /** The settings as loaded, before this page's changes (warnings are about saved values). */
    stored: stored.data?.settings,
    loadError: stored.error,
    reload: stored.reload,
    form,
    version,
    saved,
    saving: save.pending,
    saveError: save.error,
    /** The server's `{path: message}` for the last refused save. */
    fields: save.error?.fields ?? {},
    patch,
    update,
    submit,
  };
}
