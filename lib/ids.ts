import { z } from 'zod';

/** A BigCommerce store hash, e.g. `abc123xyz`. Branded so it cannot be confused with other strings. */
export const StoreHash = z
  .string()
  .regex(/^[a-z0-9]{1,32}$/, 'store hash must be lowercase letters and digits')
  .brand<'StoreHash'>();
export type StoreHash = z.infer<typeof StoreHash>;

/** A BigCommerce control-panel user id. */
export const BcUserId = z.number().int().positive().brand<'BcUserId'>();
export type BcUserId = z.infer<typeof BcUserId>;

/** `stores/{hash}` → hash, as used by the OAuth `context` and the JWT `sub`. */
export const StoreContext = z
  .string()
  .regex(/^stores\/[a-z0-9]{1,32}$/, 'must look like stores/{hash}')
  .transform((value) => value.slice('stores/'.length) as StoreHash);
