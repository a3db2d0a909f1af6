/** The on-device ranking core: pure functions over plain data (see features.ts, model.ts, rank.ts). */
export { buildVocabulary, vectorize, vectorizeAll, paperText, tokenize, vecToJSON, hashString, TFIDF_DEFAULTS } from './features';
export type { SparseVec, Vocab, TfidfOptions } from './features';
export { train, score, toUnit, topTerms, MIN_POSITIVES, TRAIN_DEFAULTS } from './model';
export type { Model, ModelKind, TrainOptions } from './model';
export { trainTags, rankCards, rankTexts, tagCacheKey, keywordModels, keywordScore } from './rank';
export type { CardRank, LibraryPaper, SeenPaper, TagModel, RankOptions, KeywordModel } from './rank';
