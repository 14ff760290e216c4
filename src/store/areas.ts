/**
 * The Store port split by area: each backend implements one area per file (sqlite-*.ts, pg-*.ts)
 * and composes them into a Store, so both backends cover exactly the same methods per area.
 */
import type { Store } from './types.js';

export type CatalogOps = Pick<
  Store,
  | 'upsertMerchants' | 'listMerchants' | 'productNetworks'
  | 'upsertProducts' | 'getProduct' | 'getProducts' | 'listProducts' | 'deleteProduct'
  | 'upsertCreators' | 'getCreator' | 'getCreators' | 'listCreators' | 'deleteCreator' | 'creatorCodes' | 'creatorByCode' | 'creatorsByCodes'
  | 'upsertPosts' | 'getPost' | 'listPosts' | 'listCreatorPosts' | 'deletePost' | 'mediaVersions'
>;

export type CategoryOps = Pick<Store, 'upsertCategories' | 'listCategories'>;

export type ClickOps = Pick<Store, 'recordClick' | 'listClicks' | 'clickReport' | 'clickedProducts' | 'clicksByUserRef'>;

export type FeedbackOps = Pick<Store, 'appendFeedback' | 'listFeedback' | 'deleteFeedback' | 'shopperActivity'>;

export type PeopleOps = Pick<
  Store,
  | 'upsertUser' | 'getUser' | 'listUsers' | 'setFollows' | 'addFollow' | 'removeFollow' | 'getFollows' | 'shopperReadSet' | 'eraseUser' | 'linkRefOf' | 'userOfLinkRef'
  | 'appendConsents' | 'listConsents' | 'listConsentProofs'
>;

export type VectorOps = Pick<Store, 'getCachedEmbedding' | 'putCachedEmbedding' | 'getVectors' | 'countVectors' | 'allVectors' | 'vectorChecksums'>;
