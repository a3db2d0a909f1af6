// The popup's view logic lives in shared/query.ts (the options page exports "the popup's current view" too).
// Kept until popup/App.tsx imports it from there.
export * from '../shared/query';
