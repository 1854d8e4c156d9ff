// The offline protocol on an org's own history: the cleaned Dataset becomes the same purchase log the CSV
// loader builds, so `sf reco evaluate` and `npm run evaluate` measure with one protocol.
import type { Dataset } from '../domain/types.js';
import { createLogBuilder } from './log-builder.js';
import type { RetailData } from './retail-data.js';

/** Won lines only: lost and open opportunities are not purchases. The clean stage already dropped fee lines. */
export function retailDataFromDataset(ds: Dataset): RetailData {
  const country = new Map(ds.accounts.map((a) => [a.id, a.country ?? '']));
  const name = new Map(ds.products.map((p) => [p.id, p.name]));
  const log = createLogBuilder();
  let kept = 0;
  for (const l of ds.lines) {
    if (!l.isWon || l.quantity <= 0 || l.unitPrice <= 0) continue;
    log.add({
      account: l.accountId,
      product: l.productId,
      order: l.opportunityId,
      date: l.closeDate,
      revenue: l.totalPrice,
      country: country.get(l.accountId) ?? '',
      description: name.get(l.productId) ?? null,
    });
    kept++;
  }
  if (kept === 0) throw new Error('the org has no won opportunity lines to evaluate on');
  return log.build({ read: ds.lines.length, kept, rejected: 0 });
}
