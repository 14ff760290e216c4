/** A shopper's stored feedback events, oldest first, in pages (GET /v1/users/:id/events). */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { decodeCursor, pageOf } from '../cursor.js';
import type { CoreDeps } from '../deps.js';
import type { FeedbackList, PageQuery } from '../schemas.js';

const LIST = 'events';

export function createFeedbackReads(deps: CoreDeps) {
  return {
    /** @throws AppError NOT_FOUND for an unknown shopper, VALIDATION_FAILED for a foreign cursor. */
    async listFeedback(userId: string, page: PageQuery): Promise<FeedbackList> {
      if (!(await deps.store.getUser(userId))) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
      const after = page.cursor ? decodeCursor(LIST, page.cursor, z.string()) : undefined;
      const fetched = await deps.store.listFeedback(userId, { after, limit: page.limit + 1 });
      return pageOf(LIST, fetched, page.limit, (last) => last.id);
    },
  };
}
