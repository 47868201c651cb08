import { serve } from 'inngest/next';
import { inngest } from '@/lib/jobs/client';
import { functions } from '@/lib/jobs/functions';

export const dynamic = 'force-dynamic';
// Long backfill pages run inside one step.
export const maxDuration = 300;

/** Inngest calls this route to run every step of every function (signed in production). */
export const { GET, POST, PUT } = serve({ client: inngest, functions });
