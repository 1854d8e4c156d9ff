// The behaviour of standard objects that a real org enforces beyond field types: opportunity stages and
// roll-ups, line-item pricing, price book rules, activity account derivation, full names.
import { CLOSED_TASK_STATUSES, OPPORTUNITY_STAGES } from '../schema/standard-objects.js';
import { CLOSED_CASE_STATUSES } from '../schema/service-objects.js';
import type { DmlContext, ObjectRules, Row } from './context.js';
import { keyPrefixOf } from './ids.js';
import { fail } from './values.js';

const round2 = (n: number): number => Math.round(n * 100) / 100;
const has = (r: Row, k: string): boolean => Object.prototype.hasOwnProperty.call(r, k);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function integrity(field: string, why: string): never {
  return fail('FIELD_INTEGRITY_EXCEPTION', `field integrity exception: ${field} (${why})`, [field]);
}

// ---- Opportunity ---------------------------------------------------------------------------------

/** Stage-driven and date-driven fields; `probabilityGiven` keeps an explicit Probability. */
function deriveOpportunity(merged: Row, out: Row, stageChanged: boolean, probabilityGiven: boolean, forecastGiven: boolean): void {
  const stage = OPPORTUNITY_STAGES.get(String(merged.StageName));
  if (stage) {
    out.IsClosed = stage.isClosed ? 1 : 0;
    out.IsWon = stage.isWon ? 1 : 0;
    if (stageChanged && !probabilityGiven) out.Probability = stage.probability;
    if (stageChanged && !forecastGiven) out.ForecastCategoryName = stage.forecastCategoryName;
  }
  const forecastName = String(out.ForecastCategoryName ?? merged.ForecastCategoryName ?? 'Pipeline');
  out.ForecastCategory = forecastName === 'Best Case' ? 'BestCase' : forecastName === 'Commit' ? 'Forecast' : forecastName;
  const close = typeof merged.CloseDate === 'string' ? merged.CloseDate : null;
  if (close) {
    const year = Number(close.slice(0, 4));
    const quarter = Math.ceil(Number(close.slice(5, 7)) / 3);
    out.FiscalYear = year;
    out.FiscalQuarter = quarter;
    out.Fiscal = `${year} ${quarter}`;
  }
  const amount = has(out, 'Amount') ? out.Amount : merged.Amount;
  const probability = has(out, 'Probability') ? out.Probability : merged.Probability;
  out.ExpectedRevenue = amount === null || amount === undefined ? null : round2(num(amount) * num(probability) / 100);
}

const opportunity: ObjectRules = {
  beforeInsert(_ctx, vals) {
    deriveOpportunity(vals, vals, true, vals.Probability !== null && vals.Probability !== undefined, vals.ForecastCategoryName !== null && vals.ForecastCategoryName !== undefined);
    vals.HasOpportunityLineItem = 0;
  },
  beforeUpdate(_ctx, old, changes) {
    const hasLines = old.HasOpportunityLineItem === 1;
    // With line items Amount is a roll-up: a written value is overwritten by the sum, as in a real org.
    if (hasLines) delete changes.Amount;
    if (hasLines && has(changes, 'Pricebook2Id') && changes.Pricebook2Id !== old.Pricebook2Id) {
      integrity('Pricebook2Id', 'cannot change the price book of an opportunity that has line items');
    }
    const merged = { ...old, ...changes };
    const stageChanged = has(changes, 'StageName') && changes.StageName !== old.StageName;
    deriveOpportunity(merged, changes, stageChanged, has(changes, 'Probability'), has(changes, 'ForecastCategoryName'));
  },
};

/** Recomputes Amount, quantity and HasOpportunityLineItem of every opportunity a call touched. */
export function rollUpOpportunities(ctx: DmlContext): void {
  for (const id of ctx.dirtyOpportunities) {
    const opp = ctx.row('Opportunity', id);
    if (!opp) continue;
    const agg = ctx.get('SELECT COUNT(*) AS n, SUM("TotalPrice") AS total, SUM("Quantity") AS qty FROM "OpportunityLineItem" WHERE "OpportunityId" = ? AND "IsDeleted" = 0', id);
    const n = num(agg?.n);
    const amount = n > 0 ? round2(num(agg?.total)) : opp.HasOpportunityLineItem === 1 ? 0 : opp.Amount;
    const qty = n > 0 ? round2(num(agg?.qty)) : opp.TotalOpportunityQuantity;
    const expected = amount === null ? null : round2(num(amount) * num(opp.Probability) / 100);
    ctx.run(
      'UPDATE "Opportunity" SET "Amount" = ?, "TotalOpportunityQuantity" = ?, "HasOpportunityLineItem" = ?, "ExpectedRevenue" = ?, "LastModifiedDate" = ?, "LastModifiedById" = ?, "SystemModstamp" = ? WHERE "Id" = ?',
      amount, qty, n > 0 ? 1 : 0, expected, ctx.now, ctx.userId, ctx.now, id,
    );
    // The cached row is the store's own copy: update it in place rather than copying it per roll-up.
    Object.assign(opp, { Amount: amount, TotalOpportunityQuantity: qty, HasOpportunityLineItem: n > 0 ? 1 : 0, ExpectedRevenue: expected, LastModifiedDate: ctx.now, LastModifiedById: ctx.userId, SystemModstamp: ctx.now });
  }
  ctx.dirtyOpportunities.clear();
}

// ---- OpportunityLineItem -------------------------------------------------------------------------

/** UnitPrice, TotalPrice and Subtotal from what was written (UnitPrice xor TotalPrice). */
function price(vals: Row, quantity: number, discount: number, unitGiven: boolean, totalGiven: boolean): void {
  if (unitGiven && totalGiven) integrity('TotalPrice', 'cannot specify both unit price and total price');
  const factor = 1 - discount / 100;
  let unit: number;
  if (totalGiven) {
    const total = num(vals.TotalPrice);
    unit = quantity * factor === 0 ? 0 : round2(total / (quantity * factor));
  } else {
    unit = num(vals.UnitPrice);
  }
  vals.UnitPrice = unit;
  vals.Subtotal = round2(quantity * unit);
  vals.TotalPrice = totalGiven ? num(vals.TotalPrice) : round2(quantity * unit * factor);
}

const lineItem: ObjectRules = {
  beforeInsert(ctx, vals) {
    if (vals.OpportunityId == null || vals.PricebookEntryId == null) return; // required-field check reports it
    const opp = ctx.row('Opportunity', String(vals.OpportunityId))!;
    const pbe = ctx.row('PricebookEntry', String(vals.PricebookEntryId))!;
    if (pbe.IsActive !== 1) integrity('PricebookEntryId', 'pricebook entry is inactive');
    if (opp.Pricebook2Id != null && opp.Pricebook2Id !== pbe.Pricebook2Id) {
      integrity('PricebookEntryId', 'pricebook entry is in a different pricebook than the one assigned to the opportunity');
    }
    const unitGiven = vals.UnitPrice != null;
    const totalGiven = vals.TotalPrice != null;
    if (!unitGiven && !totalGiven) integrity('TotalPrice', 'must specify either UnitPrice or TotalPrice');
    if (vals.Quantity == null) return;
    if (num(vals.Quantity) === 0) integrity('Quantity', 'quantity must be nonzero');
    const product = ctx.row('Product2', String(pbe.Product2Id));
    vals.Product2Id = pbe.Product2Id;
    vals.ProductCode = product?.ProductCode ?? null;
    vals.ListPrice = pbe.UnitPrice;
    vals.Name = `${String(opp.Name)} ${String(product?.Name ?? '')}`.slice(0, 376);
    price(vals, num(vals.Quantity), num(vals.Discount), unitGiven, totalGiven);
  },
  afterInsert(ctx, vals) {
    const oppId = String(vals.OpportunityId);
    const opp = ctx.row('Opportunity', oppId)!;
    if (opp.Pricebook2Id == null) {
      const book = ctx.row('PricebookEntry', String(vals.PricebookEntryId))!.Pricebook2Id;
      ctx.run('UPDATE "Opportunity" SET "Pricebook2Id" = ? WHERE "Id" = ?', book, oppId);
      opp.Pricebook2Id = book; // the cached row, kept in step with the table
    }
    ctx.dirtyOpportunities.add(oppId);
  },
  beforeUpdate(_ctx, old, changes) {
    const touched = ['Quantity', 'UnitPrice', 'TotalPrice', 'Discount'].some((k) => has(changes, k));
    if (!touched) return;
    const merged = { ...old, ...changes };
    if (merged.Quantity == null) return;
    if (num(merged.Quantity) === 0) integrity('Quantity', 'quantity must be nonzero');
    const totalGiven = has(changes, 'TotalPrice') && changes.TotalPrice != null;
    const unitGiven = has(changes, 'UnitPrice') && changes.UnitPrice != null;
    const vals: Row = { UnitPrice: merged.UnitPrice, TotalPrice: merged.TotalPrice };
    price(vals, num(merged.Quantity), num(merged.Discount), unitGiven, totalGiven);
    Object.assign(changes, vals);
  },
  afterUpdate(ctx, old) {
    ctx.dirtyOpportunities.add(String(old.OpportunityId));
  },
  afterDelete(ctx, old) {
    ctx.dirtyOpportunities.add(String(old.OpportunityId));
  },
};

// ---- Price books ---------------------------------------------------------------------------------

const pricebookEntry: ObjectRules = {
  beforeInsert(ctx, vals) {
    if (vals.Pricebook2Id == null || vals.Product2Id == null) return;
    const product = ctx.row('Product2', String(vals.Product2Id))!;
    vals.Name = product.Name;
    vals.ProductCode = product.ProductCode ?? null;
    const isStandard = vals.Pricebook2Id === ctx.standardPricebookId;
    if (!isStandard) {
      const std = ctx.get('SELECT "UnitPrice" FROM "PricebookEntry" WHERE "Pricebook2Id" = ? AND "Product2Id" = ? AND "IsDeleted" = 0', ctx.standardPricebookId, vals.Product2Id);
      if (!std) fail('STANDARD_PRICE_NOT_DEFINED', 'No standard price defined for this product', []);
      if (vals.UseStandardPrice === 1) vals.UnitPrice = std.UnitPrice;
    } else if (vals.UseStandardPrice === 1) {
      integrity('UseStandardPrice', 'the standard price book entry cannot use the standard price');
    }
    const dup = ctx.get('SELECT "Id" FROM "PricebookEntry" WHERE "Pricebook2Id" = ? AND "Product2Id" = ? AND "IsDeleted" = 0', vals.Pricebook2Id, vals.Product2Id);
    if (dup) fail('DUPLICATE_VALUE', `This price definition already exists in this price book: ${String(dup.Id)}`, []);
  },
  beforeUpdate(ctx, old, changes) {
    if (changes.UseStandardPrice === 1 || (old.UseStandardPrice === 1 && !has(changes, 'UseStandardPrice'))) {
      if (old.Pricebook2Id === ctx.standardPricebookId) integrity('UseStandardPrice', 'the standard price book entry cannot use the standard price');
      const std = ctx.get('SELECT "UnitPrice" FROM "PricebookEntry" WHERE "Pricebook2Id" = ? AND "Product2Id" = ? AND "IsDeleted" = 0', ctx.standardPricebookId, old.Product2Id);
      if (std) changes.UnitPrice = std.UnitPrice;
    }
  },
};

const product2: ObjectRules = {
  afterUpdate(ctx, old, changes) {
    if (!has(changes, 'Name') && !has(changes, 'ProductCode')) return;
    const merged = { ...old, ...changes };
    ctx.run('UPDATE "PricebookEntry" SET "Name" = ?, "ProductCode" = ?, "SystemModstamp" = ? WHERE "Product2Id" = ?', merged.Name, merged.ProductCode ?? null, ctx.now, old.Id);
    ctx.forgetAll();
  },
};

// ---- Activities ----------------------------------------------------------------------------------

/** Account of an activity: WhatId's account (Account, Opportunity, custom child of Account), else WhoId's. */
function activityAccount(ctx: DmlContext, merged: Row): string | null {
  const what = merged.WhatId == null ? null : String(merged.WhatId);
  if (what) {
    const obj = ctx.schema.byKeyPrefix(keyPrefixOf(what));
    if (obj?.name === 'Account') return what;
    const accountField = obj?.fields.find((f) => f.type === 'reference' && f.referenceTo.length === 1 && f.referenceTo[0] === 'Account' && f.name !== 'ParentId');
    if (obj && accountField) {
      const parent = ctx.row(obj.name, what)?.[accountField.name];
      if (parent != null) return String(parent);
    }
  }
  const who = merged.WhoId == null ? null : String(merged.WhoId);
  if (who) {
    const acct = ctx.row('Contact', who)?.AccountId;
    if (acct != null) return String(acct);
  }
  return null;
}

function taskDerived(ctx: DmlContext, merged: Row, out: Row, wasClosed: boolean): void {
  const closed = CLOSED_TASK_STATUSES.has(String(merged.Status));
  out.IsClosed = closed ? 1 : 0;
  out.IsHighPriority = merged.Priority === 'High' ? 1 : 0;
  if (closed && !wasClosed) out.CompletedDateTime = ctx.now;
  if (!closed) out.CompletedDateTime = null;
}

const task: ObjectRules = {
  beforeInsert(ctx, vals) {
    taskDerived(ctx, vals, vals, false);
    vals.AccountId = activityAccount(ctx, vals);
  },
  beforeUpdate(ctx, old, changes) {
    const merged = { ...old, ...changes };
    if (has(changes, 'Status') || has(changes, 'Priority')) taskDerived(ctx, merged, changes, old.IsClosed === 1);
    if (has(changes, 'WhatId') || has(changes, 'WhoId')) changes.AccountId = activityAccount(ctx, merged);
  },
};

const MINUTE = 60000;
const addMinutes = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * MINUTE).toISOString();

/** Keeps StartDateTime/ActivityDateTime, EndDateTime, DurationInMinutes and ActivityDate consistent. */
function eventTimes(merged: Row, changes: Row, creating: boolean): void {
  const touched = (k: string) => creating ? merged[k] != null : has(changes, k);
  let start = (touched('StartDateTime') ? merged.StartDateTime : touched('ActivityDateTime') ? merged.ActivityDateTime : merged.StartDateTime ?? merged.ActivityDateTime) as string | null;
  if (start == null && merged.IsAllDayEvent === 1 && merged.ActivityDate != null) start = `${String(merged.ActivityDate)}T00:00:00.000Z`;
  if (start == null) fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [ActivityDateTime]', ['ActivityDateTime']);
  let duration = merged.DurationInMinutes as number | null;
  let end = merged.EndDateTime as string | null;
  const durationSet = touched('DurationInMinutes') && duration != null;
  const endSet = touched('EndDateTime') && end != null;
  if (durationSet && endSet) {
    if (addMinutes(start, duration!) !== end) integrity('EndDateTime', 'EndDateTime must equal StartDateTime plus DurationInMinutes');
  } else if (endSet) {
    duration = Math.round((Date.parse(end!) - Date.parse(start)) / MINUTE);
  } else if (duration != null) {
    end = addMinutes(start, duration);
  } else if (merged.IsAllDayEvent === 1) {
    duration = 1440;
    end = addMinutes(start, duration);
  } else {
    fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [DurationInMinutes]', ['DurationInMinutes']);
  }
  if (duration! < 0) integrity('EndDateTime', 'EndDateTime cannot be before StartDateTime');
  if (duration! > 14 * 1440) integrity('DurationInMinutes', 'event duration cannot exceed 14 days');
  Object.assign(changes, { StartDateTime: start, ActivityDateTime: start, EndDateTime: end, DurationInMinutes: duration, ActivityDate: start.slice(0, 10) });
}

const event: ObjectRules = {
  beforeInsert(ctx, vals) {
    eventTimes(vals, vals, true);
    vals.AccountId = activityAccount(ctx, vals);
  },
  beforeUpdate(ctx, old, changes) {
    const merged = { ...old, ...changes };
    if (['StartDateTime', 'ActivityDateTime', 'EndDateTime', 'DurationInMinutes', 'IsAllDayEvent', 'ActivityDate'].some((k) => has(changes, k))) eventTimes(merged, changes, false);
    if (has(changes, 'WhatId') || has(changes, 'WhoId')) changes.AccountId = activityAccount(ctx, merged);
  },
};

// ---- People --------------------------------------------------------------------------------------

/** Contact and User Name = "First Last". */
const fullName: ObjectRules = {
  beforeInsert(_ctx, vals) {
    vals.Name = [vals.FirstName, vals.LastName].filter((v) => v != null).join(' ') || null;
  },
  beforeUpdate(_ctx, old, changes) {
    if (!has(changes, 'FirstName') && !has(changes, 'LastName')) return;
    const merged = { ...old, ...changes };
    changes.Name = [merged.FirstName, merged.LastName].filter((v) => v != null).join(' ') || null;
  },
};

// ---- Permission sets -----------------------------------------------------------------------------

/** A user holds a permission set once: a second assignment is refused, as `sf org assign permset` sees it. */
const permissionSetAssignment: ObjectRules = {
  beforeInsert(ctx, vals) {
    const dup = ctx.get('SELECT "Id" FROM "PermissionSetAssignment" WHERE "AssigneeId" = ? AND "PermissionSetId" = ? AND "IsDeleted" = 0 LIMIT 1', vals.AssigneeId ?? null, vals.PermissionSetId ?? null);
    if (dup) fail('DUPLICATE_VALUE', `Duplicate PermissionSetAssignment. Assignee: ${String(vals.AssigneeId)}; Permission Set: ${String(vals.PermissionSetId)}`, []);
  },
};

// ---- Cases ---------------------------------------------------------------------------------------

/** IsClosed follows Status; ClosedDate is stamped when a case closes and cleared when it reopens. */
function caseDerived(ctx: DmlContext, merged: Row, out: Row, wasClosed: boolean): void {
  const closed = CLOSED_CASE_STATUSES.has(String(merged.Status ?? 'New'));
  out.IsClosed = closed ? 1 : 0;
  if (closed && !wasClosed) out.ClosedDate = ctx.now;
  if (!closed) out.ClosedDate = null;
}

const caseRules: ObjectRules = {
  beforeInsert(ctx, vals) {
    caseDerived(ctx, vals, vals, false);
  },
  beforeUpdate(ctx, old, changes) {
    if (has(changes, 'Status')) caseDerived(ctx, { ...old, ...changes }, changes, old.IsClosed === 1);
  },
};

export const OBJECT_RULES: Readonly<Record<string, ObjectRules>> = {
  Case: caseRules,
  Opportunity: opportunity,
  OpportunityLineItem: lineItem,
  PricebookEntry: pricebookEntry,
  Product2: product2,
  Task: task,
  Event: event,
  Contact: fullName,
  User: fullName,
  PermissionSetAssignment: permissionSetAssignment,
};
