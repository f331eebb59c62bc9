"""Garbage collection between requests, not in the middle of one.

A page allocates thousands of objects, many of them in reference cycles (model instances and
their relation caches, forms and their bound fields, template contexts), which only the cyclic
collector frees. With CPython's default thresholds a young collection runs every 700
allocations: several run during each page, whatever the page still holds is promoted, and every
ten or so pages a full collection frees it all inside one unlucky request (40 to 90 ms on the
builder, measured by `make bench`). So each web worker, once started (gunicorn.conf.py):

- freezes what start-up allocated (Django, the URL patterns, the pose library), so no
  collection scans it again;
- raises the young threshold above what one page allocates, so collections rarely start
  mid-page (the collector stays on for work that allocates far more, such as a PDF);
- collects the young generations when each response has been sent (Django sends
  request_finished when the server closes the response, after writing it), and the whole
  heap every FULL_COLLECTION_EVERY responses.

This is the out-of-band collection of Ruby's Unicorn (OobGC). The worker spends the same time
collecting, but between requests, where no one waits for it.
"""

import gc

from django.core.signals import request_finished

# Allocations (net of frees) before an automatic young collection. The builder, the heaviest
# page, makes about 8,000; a handout PDF hundreds of thousands, so it still collects as it goes.
YOUNG_THRESHOLD = 50_000
FULL_COLLECTION_EVERY = 100
_DISPATCH_UID = "practice.collector"
_responses = 0


def collect_between_requests() -> None:
    """Called once per worker after the app is loaded (gunicorn's post_worker_init)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    request_finished.connect(_collect_after_response, dispatch_uid=_DISPATCH_UID)


def stop_collecting_between_requests(threshold: tuple[int, int, int]) -> None:
    """Back to the thresholds there were before (tests, and the benchmark when it is done)."""
    request_finished.disconnect(dispatch_uid=_DISPATCH_UID)
    gc.set_threshold(*threshold)
    gc.unfreeze()


def _collect_after_response(**kwargs) -> None:
    global _responses
    _responses += 1
    if _responses % FULL_COLLECTION_EVERY == 0:
        gc.collect()
    else:
        gc.collect(1)
