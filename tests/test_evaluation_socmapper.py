"""The SOCMapper adapter run for real (nlp-link 0.1.5, packaged MiniLM) on the fixture coding index."""

import sys

import numpy as np
import pandas as pd
import pytest

from evaluation.benchmarks import Benchmark
from evaluation.evaluate import build_peers
from evaluation.peers import socmapper
from training.ons_readers import load_sources

needs_socmapper = pytest.mark.skipif(socmapper.unavailable_reason() is not None,
                                     reason=f"SOCMapper not installed: {socmapper.INSTALL_HINT}")


@pytest.fixture(scope="module")
def index(ons_fixture_dir):
    return load_sources(ons_fixture_dir)[0]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("socmapper-cache")


@pytest.fixture(scope="module")
def peer(index, cache_dir):
    if socmapper.unavailable_reason():
        pytest.skip(f"SOCMapper not installed: {socmapper.INSTALL_HINT}")
    return socmapper.SocMapperPeer(index.entries, index.path, cache_dir=cache_dir)


@needs_socmapper
def test_index_is_renamed_to_socmapper_config_names_with_blank_qualifiers_as_nan(index):
    from nlp_link import soc_mapper_config

    frame = socmapper.index_as_socmapper_frame(index.entries, soc_mapper_config)
    names = soc_mapper_config["soc_data"]
    assert frame[names["soc_2020_col"]].str.fullmatch(r"\d{4}").all()
    chef = frame[frame[names["natural_order_col"]] == "Chef"].iloc[0]
    assert chef[names["soc_2020_col"]] == "5434" and pd.isna(chef[names["add_col"]]) and pd.isna(chef[names["ind_col"]])


@needs_socmapper
def test_loaded_on_our_index_with_its_own_rule_and_unpatched_afterwards(peer):
    from nlp_link.linker_utils import load_bert
    from nlp_link.soc_mapper import soc_map, soc_map_utils

    titles = peer.mapper.job_title_2_soc6_4
    # "Finisher" has two unit groups, so SOCMapper keys it by its IND qualifier (blank ADD must not leave a gap)
    assert titles["Finisher bookbinding"][1] == "5423" and titles["Finisher furniture mfr"][1] == "5442"
    assert peer.rule == {"match_top_n": 10, "sim_threshold": 0.67, "top_n_sim_threshold": 0.5, "minimum_n": 3, "minimum_prop": 0.5}
    assert np.asarray(peer.mapper.all_soc_embeddings).shape == (len(titles), 384)
    assert soc_map.load_bert is load_bert and soc_map.load_job_title_soc is soc_map_utils.load_job_title_soc


@needs_socmapper
def test_codes_job_titles_with_its_rule(peer):
    frame = pd.DataFrame({"id": ["1", "2", "3"], "job_title": ["Head chef", "Pastry chef - London", "qwzx vbnm"],
                          "job_description": ["cooking", "", ""], "industry": "", "golds": [["5434"], ["5434"], []],
                          "codable": True, "gold_status": "occupation"})
    predictions = peer.predict(Benchmark("t", None, frame, ""))
    assert predictions.ranked[0][0] == "5434" and predictions.confidence[0] > 0.99  # exact title: cosine 1
    assert predictions.ranked[1][0] == "5434"  # its cleaner drops " - London"
    assert predictions.ranked[2] == [] and predictions.status[2] == "no_code"
    assert predictions.auto_coded.tolist() == [True, True, False]


@needs_socmapper
def test_index_embeddings_are_reused_from_the_cache_only_for_the_same_entries(peer, index, cache_dir):
    assert not peer.from_cache and peer.cache_file.is_file()
    again = socmapper.SocMapperPeer(index.entries, index.path, cache_dir=cache_dir)
    assert again.from_cache
    np.testing.assert_allclose(np.asarray(again.mapper.all_soc_embeddings), np.asarray(peer.mapper.all_soc_embeddings), atol=1e-6)
    assert again.code_titles(["Sous chef"])[0]["most_likely_soc"] == peer.code_titles(["Sous chef"])[0]["most_likely_soc"]
    fewer = socmapper.SocMapperPeer(index.entries.iloc[:-5], index.path, cache_dir=cache_dir)
    assert not fewer.from_cache and fewer.cache_file != peer.cache_file


def test_missing_socmapper_is_skipped_with_the_reason(index, monkeypatch):
    for name in [m for m in sys.modules if m == "nlp_link" or m.startswith("nlp_link.")] + ["nlp_link"]:
        monkeypatch.setitem(sys.modules, name, None)  # importing nlp_link now raises ImportError
    peers, skipped = build_peers(index, ["exact", "socmapper"])
    assert list(peers) == ["exact lookup"]
    assert "scripts/install_socmapper.sh" in skipped[socmapper.NAME]
