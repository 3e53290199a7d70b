import { z } from '@hono/zod-openapi';
import { BasisPoints, Cents, strictObject } from './common.schemas.ts';

/** One sliding-scale retention rule (src/domain/sliding-scale.ts). */
export const RetainageRuleSchema = z
  .discriminatedUnion('kind', [
    strictObject({ kind: z.literal('until_percent_of_original'), rateBp: BasisPoints, thresholdBp: BasisPoints }),
    strictObject({ kind: z.literal('until_percent_of_revised'), rateBp: BasisPoints, thresholdBp: BasisPoints }),
    strictObject({ kind: z.literal('until_amount'), rateBp: BasisPoints, capCents: Cents.min(0).max(Number.MAX_SAFE_INTEGER) }),
    strictObject({ kind: z.literal('by_line_percent_complete'), rateBp: BasisPoints, untilCompleteBp: BasisPoints }),
    strictObject({ kind: z.literal('by_commitment_percent_complete'), rateBp: BasisPoints, untilCompleteBp: BasisPoints }),
  ])
  .openapi('RetainageRule', {
    description:
      'Hold `rateBp` of the work until: `thresholdBp` of the original / revised commitment value is held; `capCents` is held; the line (or the whole commitment) is `untilCompleteBp` complete.',
  });


export const SlidingScaleSchema = z.object({ rules: z.array(RetainageRuleSchema), afterRateBp: BasisPoints }).openapi('SlidingScale');
