/**
 * Content script entry: picks the adapter for the current URL (again after
 * each client-side navigation), annotates what is there, then only what is added.
 */
import { adapterFor } from './sites';
import { Annotator } from './annotate';
import { observe } from './observe';
import { contextAlive } from '../shared/client';

function start() {
  const controller = new AbortController();
  const annotator = new Annotator(() => adapterFor(location.href), document, controller.signal);
  annotator.scan([document]);
  observe(({ nodes, urlChanged }) => {
    if (!contextAlive()) {
      // Left behind by an update or reload of the extension: stop quietly.
      annotator.orphan();
      controller.abort();
      return;
    }
    annotator.scan(urlChanged ? [document] : nodes);
  }, controller.signal);
}

start();
