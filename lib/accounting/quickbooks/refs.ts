/**
 * A posted form's remote id says which kind of form it is ("Invoice:130", "SalesReceipt:145"): QuickBooks numbers each
 * transaction type on its own, so an Id alone does not say what to read, void or credit.
 */
export type TxnEntity = 'SalesReceipt' | 'Invoice' | 'CreditMemo' | 'RefundReceipt' | 'Payment' | 'JournalEntry';
const ENTITIES: readonly TxnEntity[] = ['SalesReceipt', 'Invoice', 'CreditMemo', 'RefundReceipt', 'Payment', 'JournalEntry'];

export const remoteIdOf = (entity: TxnEntity, id: string) => `${entity}:${id}`;

export function parseRemoteId(remoteId: string): { entity: TxnEntity; id: string } | null {
  const i = remoteId.indexOf(':');
  const entity = remoteId.slice(0, i) as TxnEntity;
  const id = remoteId.slice(i + 1);
  return i > 0 && ENTITIES.includes(entity) && /^\d+$/.test(id) ? { entity, id } : null;
}

/** The path of an entity: `/salesreceipt`. */
export const pathOf = (entity: TxnEntity) => `/${entity.toLowerCase()}`;
