/**
 * Requests of the options page's Deliveries: every effect not yet delivered or failed, across
 * tickets, with Retry now, Retry all and Cancel. `opt:` requests: the options page only, admin
 * settings locked or not (any agent may retry or cancel an effect; a cancel records who did it).
 * Merged into the protocol in lib/protocol.ts.
 */
import * as v from 'valibot';
import type { DeliveryView } from './model/views';

const requestId = v.pipe(v.string(), v.regex(/^[0-9a-zA-Z-]{8,64}$/, 'requestId must be a UUID'));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));

export const deliveryRequestSchemas = {
  'opt:deliveries': v.strictObject({}),
  /** Retries a failed effect, or tries a queued one now instead of at its next try. */
  'opt:retryEffect': v.strictObject({ effectId: id }),
  'opt:retryAll': v.strictObject({}),
  'opt:cancelEffect': v.strictObject({ requestId, effectId: id }),
} as const;

export interface DeliveryResponseMap {
  'opt:deliveries': DeliveryView[];
  /** `queued`: false when the effect was neither failed nor waiting (delivered, settled, being sent). */
  'opt:retryEffect': { queued: boolean };
  'opt:retryAll': { queued: number };
  'opt:cancelEffect': { cancelled: true };
}
