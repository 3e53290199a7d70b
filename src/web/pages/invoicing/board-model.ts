/**
 * What the billing board and its dialogs (send invites, change status) share: the row and period
 * shapes. Kept apart from the page so the dialogs do not import the page that imports them.
 */
import type { Schemas } from '../../api/client.ts';

export type BoardRow = Schemas['BillingBoard']['rows'][number];
export type BoardPeriod = Schemas['BillingPeriod'];
