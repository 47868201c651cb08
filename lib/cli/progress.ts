/**
 * Backfill progress on stderr: a bar redrawn in place when stderr is a terminal, one plain line per page otherwise
 * (logs, CI). Formatting is pure so it can be tested; `createProgress` does the writing.
 */
export interface ProgressSnapshot {
  /** Orders seen, posted, skipped, failed by the whole backfill (earlier runs included). */
  seen: number;
  posted: number;
  skipped: number;
  failed: number;
  /** Orders the backfill will see (GET /v2/orders/count at its start); null when unknown. */
  total: number | null;
  /** The last page done. */
  page: number;
}

export interface RunClock {
  /** When this run started, and how many orders the backfill had seen then (a resumed run starts above 0). */
  startedAt: number;
  seenAtStart: number;
  now: number;
}

/** Remaining time from this run's rate; null until there is a rate or when the total is unknown. */
export function etaMs(p: ProgressSnapshot, clock: RunClock): number | null {
  if (p.total === null) return null;
  const done = p.seen - clock.seenAtStart;
  const elapsed = clock.now - clock.startedAt;
  if (done <= 0 || elapsed <= 0) return null;
  return Math.max(0, ((p.total - p.seen) * elapsed) / done);
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

const counters = (p: ProgressSnapshot) => `posted ${p.posted} · skipped ${p.skipped} · failed ${p.failed}`;

/** `[████████░░░░░░░░░░░░]  40% 120/300 orders · posted 40 · skipped 75 · failed 5 · ETA 0:12` */
export function formatBar(p: ProgressSnapshot, clock: RunClock, width = 80): string {
  const eta = etaMs(p, clock);
  const tail = `${counters(p)} · ETA ${eta === null ? '--:--' : formatDuration(eta)}`;
  if (p.total === null || p.total === 0) return `${p.seen} orders · ${tail}`;
  const ratio = Math.min(1, p.seen / p.total);
  const head = `${String(Math.floor(ratio * 100)).padStart(3)}% ${p.seen}/${p.total} orders · ${tail}`;
  const barWidth = Math.max(10, Math.min(30, width - head.length - 3));
  const filled = Math.round(ratio * barWidth);
  return `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${head}`;
}

/** `page 3: seen 750/1000, posted 200, skipped 520, failed 30, ETA 0:04` */
export function formatLine(p: ProgressSnapshot, clock: RunClock): string {
  const eta = etaMs(p, clock);
  const seen = p.total === null ? `${p.seen}` : `${p.seen}/${p.total}`;
  return `page ${p.page}: seen ${seen}, posted ${p.posted}, skipped ${p.skipped}, failed ${p.failed}${eta === null ? '' : `, ETA ${formatDuration(eta)}`}`;
}

export interface Progress {
  update(p: ProgressSnapshot): void;
  /** Ends the bar's line (so the next output starts on a fresh line). */
  done(): void;
}

export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  run: { startedAt: number; seenAtStart: number },
  now: () => number = Date.now,
): Progress {
  const tty = stream.isTTY === true;
  let drawn = false;
  return {
    update(p) {
      const clock = { ...run, now: now() };
      if (tty) {
        stream.write(`\r\x1b[2K${formatBar(p, clock, stream.columns ?? 80)}`);
        drawn = true;
      } else {
        stream.write(`${formatLine(p, clock)}\n`);
      }
    },
    done() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
