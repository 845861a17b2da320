/**
 * The targets of issue 9 (edge-durable delivery), each a ratio or bound within
 * one run, computed from the phases' results: null where a phase did not run.
 */
import type { ColdRoomResult } from './cold-room';
import type { FanoutResult } from './fanout-probe';
import type { FlushLagResult } from './flush-lag';
import type { HistoryLoadResult } from './history-load';
import type { PlainChatResult } from './plain-chat';
import { ratio, round } from './stats';

export interface EdgeDurableInputs {
  dbDistance?: { plainWs10: FanoutResult; byDelayMs: Record<string, FanoutResult> };
  coldRoom?: ColdRoomResult;
  flushLag?: FlushLagResult;
  historyLoad?: HistoryLoadResult;
  historyLoadAtDistance?: HistoryLoadResult & { oneWayDelayMs: number };
  plainChat?: PlainChatResult;
  fanout?: Record<string, FanoutResult>;
  /** The app's acked messages/s (throughput phase). */
  throughputPerSecond?: number;
}

export function edgeDurableTargets(r: EdgeDurableInputs) {
  const base = r.dbDistance?.plainWs10;
  const byDelay = r.dbDistance?.byDelayMs ?? {};
  const deliveryVsPlainWs = base
    ? Object.fromEntries(
        Object.entries(byDelay).map(([delay, app]) => {
          const p50AboveMs = round(app.all.p50 - base.all.p50);
          const p99Ratio = ratio(app.all.p99, base.all.p99);
          return [
            `${delay}ms`,
            {
              appP50Ms: app.all.p50,
              plainWsP50Ms: base.all.p50,
              p50AboveMs,
              p50Met: p50AboveMs <= 1,
              appP99Ms: app.all.p99,
              plainWsP99Ms: base.all.p99,
              p99Ratio,
              p99Met: p99Ratio !== null && p99Ratio <= 1.5,
              ackP50Ms: app.ack?.p50 ?? null,
              ackP99Ms: app.ack?.p99 ?? null,
            },
          ];
        }),
      )
    : null;
  const ack80Over0 = ratio(byDelay['80']?.ack?.p99 ?? NaN, byDelay['0']?.ack?.p99 ?? NaN);
  const plain = r.plainChat;
  const app10 = byDelay['0'] ?? r.fanout?.['10'];
  return {
    /** send → delivery at 10 sockets: p50 within 1 ms of plain ws, p99 within 1.5×, at every distance. */
    deliveryVsPlainWs,
    ackP99At80msOver0ms: { ratio: ack80Over0, target: 1.3, met: ack80Over0 !== null && ack80Over0 <= 1.3 },
    coldRoomOverWarmP50: {
      afterRestart: r.coldRoom?.afterRestartOverWarmP50 ?? null,
      coldRoomWarmIsolate: r.coldRoom?.coldRoomOverWarmP50 ?? null,
      target: 1.5,
      met: r.coldRoom?.afterRestartOverWarmP50 != null && r.coldRoom.afterRestartOverWarmP50 <= 1.5,
    },
    /** Warm open (inbox ticket + upgrade → own message) over the plain chat's, the two made in turn one for one. */
    warmOpenOverPlainChatP50: (() => {
      const measured = ratio(r.coldRoom?.warmOpens.total.p50 ?? NaN, r.coldRoom?.warmOpensPlainInTurn?.total.p50 ?? NaN);
      return { ratio: measured, target: 1.5, met: measured !== null && measured <= 1.5 };
    })(),
    flushLagP99Ms: {
      measured: r.flushLag?.lagMs.p99 ?? null,
      atPerSecond: r.flushLag?.achievedAckedPerSecond ?? null,
      target: 1000,
      met: r.flushLag !== undefined && r.flushLag.neverFlushed === 0 && r.flushLag.lagMs.p99 < 1000,
    },
    historyTenReadersOverOneP50: {
      ratio: r.historyLoad?.tenOverOneP50 ?? null,
      /** The lowest ratio the stack's CPU per page allows on this machine's cores (history-load.ts). */
      cpuFloorRatio: r.historyLoad?.cpuFloorRatio ?? null,
      /** The same readers with Postgres `oneWayDelayMs` away (historyLoadAtDistance); `met` is the local ratio's. */
      atDistance: r.historyLoadAtDistance ? { oneWayDelayMs: r.historyLoadAtDistance.oneWayDelayMs, ratio: r.historyLoadAtDistance.tenOverOneP50 } : null,
      target: 3,
      met: r.historyLoad?.tenOverOneP50 != null && r.historyLoad.tenOverOneP50 <= 3,
    },
    /** Ours over the plain Durable Object chat on the same workerd (1 = as fast). */
    vsPlainDoChat: plain
      ? {
          deliveryP50Ratio: ratio(app10?.all.p50 ?? NaN, plain.fanout10.all.p50),
          deliveryP99Ratio: ratio(app10?.all.p99 ?? NaN, plain.fanout10.all.p99),
          ackP50Ratio: ratio(app10?.ack?.p50 ?? NaN, plain.fanout10.ack?.p50 ?? NaN),
          coldRoomAfterRestartP50Ratio: ratio(r.coldRoom?.afterRestart.p50 ?? NaN, plain.coldRoom.afterRestart.p50),
          warmRoomP50Ratio: ratio(r.coldRoom?.warm.p50 ?? NaN, plain.coldRoom.warm.p50),
          /** The same over the warm-open series (many samples): ticket + upgrade → own message, target ≤ 1.5. */
          warmOpenP50Ratio: ratio(r.coldRoom?.warmOpens.total.p50 ?? NaN, plain.coldRoom.warmOpens.total.p50),
          warmOpenP95Ratio: ratio(r.coldRoom?.warmOpens.total.p95 ?? NaN, plain.coldRoom.warmOpens.total.p95),
          /** The same with the REST ticket (POST ws-ticket), measured in turn with the inbox ticket's opens. */
          warmOpenRestTicketP50Ratio: ratio(r.coldRoom?.warmOpensCompared?.total.p50 ?? NaN, plain.coldRoom.warmOpens.total.p50),
          throughputRatio: ratio(r.throughputPerSecond ?? NaN, plain.throughput.ackedPerSecond),
        }
      : null,
  };
}
