// The column metadata a real org returns for GET /query?q=…&columns=true: what `sf data query` asks for
// (after every query that found rows) to lay out its table and CSV. Built from the same plan the query
// runs, so the columns always match the records' shape: dotted parents (Owner.Name) as joinColumns, child
// sub-queries as aggregate columns with joinColumns, aggregate functions as exprN with their display name.
import type { FieldDef, FieldType } from '../types.js';
import type { AggItem, Plan, ShapeNode } from './plan.js';
import { NUMERIC, STRINGISH } from './resolve.js';

export type ColumnMetadata = {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: ColumnMetadata[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
};

export type QueryColumns = {
  columnMetadata: ColumnMetadata[];
  entityName: string;
  groupBy: boolean;
  idSelected: boolean;
  keyPrefix: string | null;
};

const APEX_TYPES: Record<FieldType, string> = {
  id: 'Id', reference: 'Id', boolean: 'Boolean', int: 'Integer', double: 'Double', currency: 'Decimal', percent: 'Decimal',
  date: 'Date', datetime: 'Datetime', time: 'Time', string: 'String', textarea: 'String', picklist: 'String',
  multipicklist: 'String', combobox: 'String', email: 'String', phone: 'String', url: 'String',
};

const isNumber = (t: FieldType): boolean => NUMERIC.has(t);

function column(name: string, type: FieldType, extra: Partial<ColumnMetadata>): ColumnMetadata {
  return {
    aggregate: false,
    apexType: APEX_TYPES[type],
    booleanType: type === 'boolean',
    columnName: name,
    custom: false,
    displayName: name,
    foreignKeyName: null,
    insertable: false,
    joinColumns: [],
    numberType: isNumber(type),
    textType: STRINGISH.has(type),
    updatable: false,
    ...extra,
  };
}

const fieldColumn = (key: string, type: FieldType, def: FieldDef | undefined): ColumnMetadata =>
  column(key, type, { custom: def?.custom ?? false, insertable: def?.createable ?? false, updatable: def?.updateable ?? false });

/** A relationship or sub-query column: no type of its own, its fields as joinColumns. */
const joinColumn = (name: string, joinColumns: ColumnMetadata[], extra: Partial<ColumnMetadata>): ColumnMetadata => ({
  ...column(name, 'id', { joinColumns, ...extra }),
  apexType: null,
  custom: name.endsWith('__r'),
});

function shapeColumns(nodes: ShapeNode[]): ColumnMetadata[] {
  return nodes.map((n) => {
    if (n.kind === 'field') return fieldColumn(n.key, n.type, n.def);
    if (n.kind === 'child') return joinColumn(n.key, shapeColumns(n.plan.shape), { aggregate: true });
    // TYPEOF: the union of what any branch may return.
    const fields = n.branches ? [...[...n.branches.values()].flat(), ...(n.otherwise ?? [])] : n.nodes;
    const unique = [...new Map(fields.map((f) => [f.kind === 'field' ? f.key : f, f])).values()];
    return joinColumn(n.key, shapeColumns(unique), { foreignKeyName: n.foreignKey });
  });
}

function aggregateColumns(items: AggItem[]): ColumnMetadata[] {
  return items.map((it) =>
    it.aggregate ? column(it.key, it.type, { aggregate: true, apexType: null, displayName: it.display }) : fieldColumn(it.key, it.type, it.def),
  );
}

export function queryColumns(plan: Plan, entity: { name: string; keyPrefix: string }): QueryColumns {
  const base = { entityName: entity.name, keyPrefix: entity.keyPrefix };
  switch (plan.kind) {
    case 'count':
      return { ...base, columnMetadata: [], groupBy: false, idSelected: false };
    case 'aggregate':
      return { ...base, columnMetadata: aggregateColumns(plan.items), groupBy: true, idSelected: false };
    default:
      return {
        ...base,
        columnMetadata: shapeColumns(plan.shape),
        groupBy: false,
        idSelected: plan.shape.some((n) => n.kind === 'field' && n.key === 'Id'),
      };
  }
}
