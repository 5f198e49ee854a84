"""Fast mode: the static encoder (training.distill, model.encoder.StaticEncoder) and a fast model trained on the
fixture workbooks; the real fast model's accuracy is checked in tests/test_real_model.py."""

import json

import numpy as np
import pytest

from model import SocCoder
from model.encoder import StaticEncoder, TextEncoder
from training.distill import BAG_SCALE, domain_vocabulary, fit_token_vectors, token_bags


@pytest.fixture(scope="session")
def tiny_fast_training(ons_fixture_dir, encoder):
    from training.ons_readers import load_sources
    from training.train import TrainingConfig, fit_coder

    index, volume1 = load_sources(ons_fixture_dir)
    return fit_coder(index, volume1, TrainingConfig(holdout_fraction=0.2, fast=True), encoder=encoder)


@pytest.fixture(scope="session")
def tiny_fast_coder(tiny_fast_training):
    return tiny_fast_training.coder


@pytest.fixture(scope="session")
def tiny_fast_model_dir(tiny_fast_coder, tmp_path_factory):
    return tiny_fast_coder.save(tmp_path_factory.mktemp("tiny-fast") / "model")


def test_domain_vocabulary_lists_words_most_frequent_first_without_short_ones():
    assert domain_vocabulary(["Head chef; industry: hotel", "Chef de partie", "head of IT"]) == ["head", "chef", "industry", "hotel", "partie"]


def test_token_bags_count_each_texts_tokens(tiny_fast_coder):
    encoder = tiny_fast_coder.encoder
    bags = token_bags(encoder, ["head chef", "chef", "", "   "])
    counts = np.asarray(bags.sum(axis=1)).ravel() * BAG_SCALE
    assert counts[0] == len(encoder.tokenizer.ids(["head chef"])[0]) and counts[1] >= 1 and counts[2] == counts[3] == 0
    # the bag times the vectors is the sum the encoder averages: normalised, the same vector
    averaged = bags[:2] @ encoder.vectors
    expected = averaged / np.linalg.norm(averaged, axis=1, keepdims=True)
    assert np.allclose(encoder.encode(["head chef", "chef"]), expected, atol=1e-5)


def test_word_tokenizer_gives_the_tokenizers_own_ids_word_by_word(tiny_fast_coder):
    from tokenizers import Tokenizer

    words = tiny_fast_coder.encoder.tokenizer
    whole = Tokenizer.from_str(json.dumps(tiny_fast_coder.encoder.tokenizer_json))
    whole.no_padding()
    texts = ["Senior care assistant; help residents wash, dress and eat; industry: nursing home",
             "HGV driver (class 1) - deliveries: 40 drops/day", "Café owner", "  plumber\t\n gas-safe  "]
    assert words.ids(texts) == [e.ids for e in whole.encode_batch(texts, add_special_tokens=False)]
    # accents, case, control characters and spacing do not change what is read
    assert words.ids(["CAFÉ\x07 Owner"]) == words.ids(["cafe owner"]) == words.ids(["  café   owner "])
    assert words.ids(["", "   ", "\x00"]) == [[], [], []]
    assert len(words.ids(["nurse " * 400], max_tokens=256)[0]) == 256


def test_fit_token_vectors_is_the_ridge_solution_and_leaves_tokens_the_texts_lack_alone(tiny_fast_coder):
    prior = tiny_fast_coder.encoder  # any static encoder will do as the vectors to keep close to
    texts = ["head chef", "chef de partie in a hotel", "kitchen porter", "staff nurse on a hospital ward", "van driver",
             "delivery driver for a parcels firm", "software developer; industry: bank", "web developer", "nurse", ""]
    targets = np.random.default_rng(0).normal(size=(len(texts), prior.dimension))
    targets /= np.linalg.norm(targets, axis=1, keepdims=True)
    l2 = 1e-5
    fitted = fit_token_vectors(prior, texts, targets, l2)

    bags = token_bags(prior, texts)
    used = np.unique(bags.indices)
    unused = np.setdiff1d(np.arange(len(prior.vectors)), used)
    assert 20 < len(used) < len(texts) * 10 and fitted.settings["fit_tokens"] == len(used)
    assert np.array_equal(fitted.vectors[unused], prior.vectors[unused])
    # the used tokens' vectors minimise ||B W - targets||^2 + l2 ||W - P||^2: the least-squares solution of
    # [B; sqrt(l2) I] W = [targets; sqrt(l2) P], here solved densely
    B = bags[:, used].toarray().astype(np.float64)
    stacked = np.vstack([B, np.sqrt(l2) * np.eye(len(used))])
    expected = np.linalg.lstsq(stacked, np.vstack([targets, np.sqrt(l2) * prior.vectors[used]]), rcond=None)[0]
    assert np.abs(expected - prior.vectors[used]).max() > 0.5  # the fit moves them far
    np.testing.assert_allclose(fitted.vectors[used], expected, rtol=1e-3, atol=1e-3)  # up to float16 storage
    sums = lambda vectors: B[:-1] @ vectors[used]  # the empty text, last, has none
    cosine = lambda vectors: np.mean([a @ b / np.linalg.norm(a) for a, b in zip(sums(vectors), targets[:-1])])
    assert fitted.settings["fit_cosine"] == pytest.approx(cosine(fitted.vectors) * 9 / 10, abs=1e-3)  # it counts 0
    assert cosine(prior.vectors) < 0.1 and cosine(fitted.vectors) > 0.9

    with pytest.raises(ValueError, match="none of the 2 texts has a token"):
        fit_token_vectors(prior, ["", "   "], targets[:2], l2)


def test_reduced_static_vectors_embed_a_text_as_the_projection_of_its_full_embedding(tiny_fast_coder):
    from training.distill import principal_directions, reduce_dimensions

    full = tiny_fast_coder.encoder
    texts = ["head chef", "chef de partie in a hotel", "kitchen porter", "staff nurse on a hospital ward", "van driver",
             "delivery driver for a parcels firm", "software developer; industry: bank", "web developer", "nurse",
             "care assistant in a nursing home", "secondary school maths teacher", "finisher; industry: bookbinding"]
    assert reduce_dimensions(full, texts, full.dimension) is full
    reduced = reduce_dimensions(full, texts, 8)
    assert reduced.dimension == 8 and reduced.settings["dimensions"] == 8 and reduced.settings["reduced_from"] == full.dimension
    assert 0.5 < reduced.settings["variance_kept"] <= 1.0
    # the directions kept are orthonormal, those the texts' embeddings spread along most, the most first
    embedded = full.encode(texts).astype(np.float64)
    projection = principal_directions(embedded, 8)
    np.testing.assert_allclose(projection.T @ projection, np.eye(8), atol=1e-9)
    spread = ((embedded @ projection) ** 2).sum(axis=0)
    assert np.all(np.diff(spread) <= 1e-9) and spread[0] > 2 * spread[-1]
    assert spread.sum() / (embedded ** 2).sum() == pytest.approx(reduced.settings["variance_kept"], abs=1e-4)
    # the reduced vectors are the full ones projected (up to float16 storage), so a text's reduced embedding is
    # its full embedding projected, then normalised
    np.testing.assert_allclose(reduced.vectors, full.vectors @ projection, atol=2e-3 * np.abs(full.vectors).max())
    projected = embedded @ projection
    np.testing.assert_allclose(reduced.encode(texts), projected / np.linalg.norm(projected, axis=1, keepdims=True), atol=1e-2)


def test_static_encoder_gives_distinct_unit_vectors_and_zero_for_no_token(tiny_fast_coder):
    encoder = tiny_fast_coder.encoder
    assert isinstance(encoder, StaticEncoder)
    vectors = encoder.encode(["nurse", "bus driver", "software developer", "nurse", "", "   "])
    assert vectors.dtype == np.float32 and vectors.shape == (6, encoder.dimension)
    assert np.allclose(np.linalg.norm(vectors[:4], axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors[0], vectors[3])
    # padding tokens once swamped every text into the same vector: different titles must differ
    similarity = vectors[:3] @ vectors[:3].T
    assert similarity[0, 1] < 0.9 and similarity[0, 2] < 0.9
    assert not vectors[4].any() and not vectors[5].any()


def test_fitted_token_vectors_put_each_text_nearest_the_sentence_encoders_vector_of_it(ons_fixture_dir, encoder):
    from training.ons_readers import load_sources
    from training.train import TrainingConfig, fit_coder

    # distilled and fitted, not reduced: in the sentence encoder's own 384 dimensions, so the two compare directly
    index, volume1 = load_sources(ons_fixture_dir)
    config = TrainingConfig(holdout_fraction=0.2, fast=True, static_dimensions=encoder.dimension)
    static = fit_coder(index, volume1, config, encoder=encoder).coder.encoder
    assert static.dimension == encoder.dimension and "reduced_from" not in static.settings
    assert static.settings["fit_texts"] > 100 and static.settings["domain_words"] > 50
    texts = ["Head chef in a hotel restaurant", "Software developer; industry: bank", "Nurse on a hospital ward",
             "Delivery driver for a parcels firm"]
    fast = static.encode(texts)
    teacher = encoder.encode(texts)
    # each text's static vector is closest to the sentence encoder's vector of the same text
    assert ((fast @ teacher.T).argmax(axis=1) == np.arange(len(texts))).all()


def test_fast_model_codes_fixture_answers_like_the_default(tiny_fast_coder):
    assert tiny_fast_coder.code_one("Head chef", "run the kitchen of a hotel restaurant", "hotel").soc2020_code == "5434"
    assert tiny_fast_coder.code_one("Finisher", "", "bookbinding").candidates[0]["code"] == "5423"
    assert tiny_fast_coder.code_one("Finisher", "", "furniture mfr").candidates[0]["code"] == "5442"
    assert tiny_fast_coder.metadata["fast"] is True
    assert tiny_fast_coder.metadata["encoder"] == "static:sentence-transformers/all-MiniLM-L6-v2"


def test_fast_model_saves_its_encoder_as_plain_files_and_loads_without_the_sentence_encoder(tiny_fast_coder, tiny_fast_model_dir):
    names = {p.name for p in tiny_fast_model_dir.iterdir()}
    assert {"static_vectors.npy", "static_tokenizer.json"} <= names
    config = json.loads((tiny_fast_model_dir / "config.json").read_text())
    assert config["encoder"]["kind"] == "static"
    # a sentence encoder passed in for reuse is not used: the fast model always reads with its own
    loaded = SocCoder.load(tiny_fast_model_dir, encoder=TextEncoder())
    assert isinstance(loaded.encoder, StaticEncoder)
    answers = [{"job_title": "Chef de partie", "industry": "restaurant"}, {"job_title": "web developer"}, "delivery driver"]
    np.testing.assert_allclose(loaded.predict_proba(answers), tiny_fast_coder.predict_proba(answers), rtol=1e-5, atol=1e-7)
    assert [r.soc2020_code for r in loaded.code(answers[:2])] == [r.soc2020_code for r in tiny_fast_coder.code(answers[:2])]


def test_fast_training_is_deterministic(tiny_fast_training, ons_fixture_dir, encoder):
    """Also the check that distilling leaves the shared encoder's tokenizer alone: model2vec rewrote the one it was
    given, and a second fast training from the same encoder then learned other vectors."""
    from training.ons_readers import load_sources
    from training.train import TrainingConfig, fit_coder

    index, volume1 = load_sources(ons_fixture_dir)
    first = tiny_fast_training.coder
    again = fit_coder(index, volume1, TrainingConfig(holdout_fraction=0.2, fast=True), encoder=encoder).coder
    # equal up to the last bit of float16 storage (threaded sums may round a value either way)
    np.testing.assert_allclose(again.encoder.vectors, first.encoder.vectors, rtol=2e-3, atol=1e-4)
    answers = ["Head chef", "Finisher", "web developer", "staff nurse", "van driver", "kitchen porter"]
    assert list(again.predict(answers)) == list(first.predict(answers))
    np.testing.assert_allclose(again.predict_proba(answers), first.predict_proba(answers), atol=1e-3)
