// SYNTHETIC activities. The Online Retail data has no calls, emails or meetings; a CRM without them would
// leave the engine's "engagement" features empty. Tasks and Events are therefore generated from a seeded
// PRNG, shaped by each account's real buying so the features carry signal:
// - touches cluster 0-21 days before an order (a call or email that precedes a purchase);
// - bigger and more frequent buyers get more touches and more meetings;
// - some orders get a follow-up on their opportunity within a week (cancellations nearly always do);
// - lapsed accounts (no order for 90+ days) often still receive win-back outreach;
// - a few accounts get no activity at all.
// Same seed and same data -> the same activities (each account draws from its own stream).
import type { SfRecord } from '../types.js';
import type { CustomerAgg } from './dataset.js';
import { buyerProfile } from './records.js';
import { hashSeed, rng, type Rng } from './prng.js';
import { DAY_MS } from './dates.js';

export type ActivityKind = 'Call' | 'Email' | 'Meeting';

export type PlannedActivity = {
  kind: ActivityKind;
  atMs: number; // source time (unshifted), like invoices
  customerId: string;
  invoiceNo: string | null; // WhatId = this invoice's opportunity; null: WhatId = the account
  subject: string;
  durationMinutes: number; // meetings only; 0 otherwise
};

const PRE_ORDER = {
  Call: ['Call: reorder check', 'Call: new season range', 'Call: stock levels', 'Call: price enquiry'],
  Email: ['Email: new catalogue', 'Email: seasonal offers', 'Email: quote sent', 'Email: back-in-stock notice'],
  Meeting: ['Meeting: range review', 'Meeting: trade show follow-up', 'Meeting: account review'],
} as const;
const FOLLOW_UP = {
  Call: ['Call: delivery follow-up', 'Call: order feedback'],
  Email: ['Email: order confirmation', 'Email: thank you for your order'],
  Meeting: ['Meeting: account review'],
} as const;
const CANCEL_FOLLOW_UP = ['Call: cancellation follow-up', 'Email: returns and credit note'] as const;
const WIN_BACK = ['Call: win-back', 'Email: we miss you - new range', 'Email: re-engagement offer'] as const;

const LAPSED_AFTER_DAYS = 90;

/** A working-hours time (09:00-17:30 UTC, Monday-Friday) on the given day, weekends moved to a weekday. */
function workingTime(r: Rng, dayMs: number, forward: boolean): number {
  let day = Math.floor(dayMs / DAY_MS) * DAY_MS;
  const weekday = new Date(day).getUTCDay();
  if (weekday === 0) day += forward ? DAY_MS : -2 * DAY_MS;
  else if (weekday === 6) day += forward ? 2 * DAY_MS : -DAY_MS;
  return day + (9 * 60 + r.int(0, 17) * 30) * 60_000;
}

function kindFor(r: Rng, meetingShare: number): ActivityKind {
  const x = r.next();
  if (x < meetingShare) return 'Meeting';
  return x < meetingShare + (1 - meetingShare) * 0.55 ? 'Call' : 'Email';
}

/**
 * Plans one account's activities between its first order and dataEndMs. Activities never precede the
 * first order (the account does not exist before it) and never pass the end of the data.
 */
export function planAccountActivities(customer: CustomerAgg, dataEndMs: number, seed: number): PlannedActivity[] {
  const r = rng(hashSeed(seed, customer.id));
  const invoices = customer.invoices;
  if (invoices.length === 0 || r.chance(0.06)) return []; // some accounts simply never hear from sales
  const profile = buyerProfile(customer);
  // Engagement grows with log revenue and order count; it is a probability per order, capped.
  const engagement = Math.min(0.9, 0.15 + 0.05 * Math.log10(1 + profile.revenue) + 0.02 * Math.min(profile.orders, 10));
  const meetingShare = profile.wholesale ? Math.min(0.25, 0.05 + profile.revenue / 400_000) : 0.02;
  const firstMs = invoices[0].atMs;
  const out: PlannedActivity[] = [];
  const add = (kind: ActivityKind, atMs: number, invoiceNo: string | null, subject: string): void => {
    if (atMs <= firstMs || atMs > dataEndMs) return;
    out.push({ kind, atMs, customerId: customer.id, invoiceNo, subject, durationMinutes: kind === 'Meeting' ? r.pick([30, 45, 60, 90]) : 0 });
  };

  for (const inv of invoices) {
    if (!inv.cancelled && r.chance(engagement)) {
      const touches = 1 + (r.chance(engagement) ? 1 : 0) + (profile.wholesale && r.chance(0.3) ? 1 : 0);
      for (let i = 0; i < touches; i += 1) {
        const kind = kindFor(r, meetingShare);
        const at = workingTime(r, inv.atMs - r.int(0, 21) * DAY_MS, false);
        add(kind, Math.min(at, inv.atMs - 3_600_000), null, r.pick(PRE_ORDER[kind]));
      }
    }
    if (inv.cancelled ? r.chance(0.8) : r.chance(0.2)) {
      const kind: ActivityKind = inv.cancelled ? (r.chance(0.6) ? 'Call' : 'Email') : kindFor(r, meetingShare / 2);
      const subject = inv.cancelled ? CANCEL_FOLLOW_UP[kind === 'Call' ? 0 : 1] : r.pick(FOLLOW_UP[kind]);
      add(kind, workingTime(r, inv.atMs + r.int(1, 7) * DAY_MS, true), inv.invoiceNo, subject);
    }
  }

  const lastMs = invoices[invoices.length - 1].atMs;
  if (dataEndMs - lastMs > LAPSED_AFTER_DAYS * DAY_MS && r.chance(0.5)) {
    const span = Math.floor((dataEndMs - lastMs) / DAY_MS) - 60;
    const n = r.int(1, 3);
    for (let i = 0; i < n && span > 0; i += 1) {
      const subject = r.pick(WIN_BACK);
      add(subject.startsWith('Call') ? 'Call' : 'Email', workingTime(r, lastMs + (60 + r.int(0, span)) * DAY_MS, false), null, subject);
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** The Task or Event for a planned activity; audit fields only when the seeder backdates it. */
export function activityRecord(a: PlannedActivity, whatId: string, shiftedMs: number, withAuditFields: boolean): { object: 'Task' | 'Event'; record: SfRecord } {
  const at = new Date(shiftedMs).toISOString();
  const audit: SfRecord = withAuditFields ? { CreatedDate: at } : {};
  const description = 'Synthetic activity generated by the Online Retail seeder (not in the source data).';
  if (a.kind === 'Meeting') {
    const end = new Date(shiftedMs + a.durationMinutes * 60_000).toISOString();
    return {
      object: 'Event',
      record: {
        Subject: a.subject, Type: 'Meeting', WhatId: whatId, StartDateTime: at, EndDateTime: end,
        DurationInMinutes: a.durationMinutes, ActivityDateTime: at, ActivityDate: at.slice(0, 10), Description: description, ...audit,
      },
    };
  }
  return {
    object: 'Task',
    record: {
      Subject: a.subject, Type: a.kind, TaskSubtype: a.kind, Status: 'Completed', Priority: 'Normal', WhatId: whatId,
      ActivityDate: at.slice(0, 10), Description: description, ...audit,
    },
  };
}
