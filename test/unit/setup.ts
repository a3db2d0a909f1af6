// IndexedDB for the store and migration tests, in Node.
import 'fake-indexeddb/auto';
