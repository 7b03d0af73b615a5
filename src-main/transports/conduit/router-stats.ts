// What a router answers to STATS over the tunnel: its info and health, and its view of this
// client. The desktop app's Routers view shows it (router REST APIs are usually not reachable
// from a laptop; the tunnel always is).
import { z } from 'zod';
import { clientInfoSchema, routerHealthSchema, routerInfoSchema } from '../../../src-shared/api/conduit-router.js';

export const routerStatsSchema = z.object({
  info: routerInfoSchema,
  health: routerHealthSchema,
  client: clientInfoSchema,
});
export type RouterStatsReply = z.infer<typeof routerStatsSchema>;
