// The stored view lives in shared/view-store.ts (the options page reads it too).
// Kept until popup/App.tsx imports it from there.
export * from '../shared/view-store';
