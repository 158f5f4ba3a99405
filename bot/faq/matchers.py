"""Matchers for knowledge bases: from the process's memory, from the disk cache, or
built (and then cached). The one place that knows the three.

A build embeds every example (about 25 s for the bundled 12,000 on one thread; only
the new examples after an edit) and trains the classifiers (about 5 s); reading a
cached index takes about 0.2 s. One build per index at a time: threads of a process
wait for each other, processes sharing the cache folder for its build lock, and the
ones that waited read what was built.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

from bot.faq.encoder import SentenceEncoder, shared_encoder
from bot.faq.index_store import IndexStore
from bot.faq.off_topic import borrowed_near_misses
from conversations.faq.index import FaqIndex, NearMisses, build_index, fingerprint
from conversations.faq.kb import KnowledgeBase
from conversations.faq.matcher import Matcher
from conversations.faq.softmax import Floats

log = logging.getLogger(__name__)

_MEMORY = 2  # indexes kept in memory per process (~30 MB each): the one in use, the last
_memory: OrderedDict[str, FaqIndex] = OrderedDict()
_lock = threading.Lock()
_building: dict[str, threading.Lock] = {}  # per fingerprint: one build at a time


def matcher_for(
    kb: KnowledgeBase, cache: Path | None, encoder: SentenceEncoder | None = None
) -> Matcher:
    encoder = encoder or shared_encoder()
    return Matcher(kb, index_for(kb, cache, encoder, borrowed_near_misses(kb)), encoder)


def index_for(
    kb: KnowledgeBase,
    cache: Path | None,
    encoder: SentenceEncoder,
    near_misses: NearMisses | None = None,
) -> FaqIndex:
    # Loaded now (on the caller's thread, off the event loop) rather than at the first
    # question; it also limits numpy's BLAS to one thread before any training.
    encoder.load(cache)
    key = fingerprint(kb, encoder.name, near_misses)
    index = _remembered(key)
    if index is not None:
        return index
    with _build_lock(key):
        index = _remembered(key)  # another thread built it while this one waited
        if index is None:
            index = _read_or_built(kb, cache, encoder, near_misses, key)
            with _lock:
                _memory[key] = index
                while len(_memory) > _MEMORY:
                    gone, _ = _memory.popitem(last=False)
                    _building.pop(gone, None)  # one lock per index kept, not per index ever built
    return index


def _build_lock(key: str) -> threading.Lock:
    with _lock:
        return _building.setdefault(key, threading.Lock())


def _remembered(key: str) -> FaqIndex | None:
    with _lock:
        index = _memory.get(key)
        if index is not None:
            _memory.move_to_end(key)
        return index


def _read_or_built(
    kb: KnowledgeBase,
    cache: Path | None,
    encoder: SentenceEncoder,
    near_misses: NearMisses | None,
    key: str,
) -> FaqIndex:
    if cache is None:
        return _built(kb, None, encoder, near_misses)
    store = IndexStore(cache)
    index = store.load(key)
    if index is not None:
        return index
    started = time.perf_counter()
    with store.building(key):
        index = store.load(key)  # another process built it while this one waited
        if index is not None:
            log.info(
                "FAQ index read after another process built it",
                extra={"seconds_waited": round(time.perf_counter() - started, 2)},
            )
            return index
        index = _built(kb, store, encoder, near_misses)
        store.save(key, index)
    return index


def _built(
    kb: KnowledgeBase,
    store: IndexStore | None,
    encoder: SentenceEncoder,
    near_misses: NearMisses | None,
) -> FaqIndex:
    started = time.perf_counter()
    index = build_index(kb, encoder, _known_embeddings(store), near_misses)
    log.info(
        "FAQ index built",
        extra={"examples": len(index.labels), "seconds": round(time.perf_counter() - started, 2)},
    )
    return index


def _known_embeddings(store: IndexStore | None) -> dict[str, Floats]:
    known: dict[str, Floats] = {}
    with _lock:
        for index in _memory.values():
            known.update(index.known_embeddings())
    if store is not None:
        newest = store.newest()
        if newest is not None:
            known.update(newest.known_embeddings())
    return known
