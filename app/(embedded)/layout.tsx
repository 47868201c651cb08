import type { ReactNode } from 'react';
import { env } from '@/lib/env';
import { AppShell } from './_components/app-shell';

export default function EmbeddedLayout({ children }: { children: ReactNode }) {
  return <AppShell supportUrl={env().SUPPORT_URL}>{children}</AppShell>;
}
