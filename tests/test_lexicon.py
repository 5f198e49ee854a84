"""The answer lexicon: title rewriting, employer names as industries, and the shape of the curated lists."""

import json
from importlib import resources

import pytest

from model.lexicon import TITLE_SECTIONS, employer_industry, expand_title, lexicon, mentions_employer


def _raw_sections():
    """The JSON read so that a key repeated inside one section is an error instead of silently overwritten."""
    def no_duplicates(pairs):
        keys = [key for key, _ in pairs]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        assert not repeated, f"repeated keys: {repeated}"
        return dict(pairs)

    text = resources.files("model").joinpath("data/answer_lexicon.json").read_text(encoding="utf-8")
    return json.loads(text, object_pairs_hook=no_duplicates)


@pytest.mark.parametrize("title, expected", [
    ("Legal sec", "legal secretary"),
    ("Legal sec.", "legal secretary"),
    ("HGV driver", "heavy goods vehicle driver"),
    ("H.G.V. driver", "heavy goods vehicle driver"),
    ("HGV1 driver", "heavy goods vehicle class 1 driver"),
    ("Sparky", "electrician"),
    ("Snr sparky", "senior electrician"),
    ("Sparky's mate", "electrician's mate"),
    ("Bin man", "refuse collector"),
    ("Bin-man", "refuse collector"),
    ("Lollipop lady", "school crossing patrol"),
    ("Mgr.", "manager"),
    ("Sales & mktg mgr", "sales & marketing manager"),
    ("Deputy mgr, dept of HR", "deputy manager, department of human resources"),
    ("co-ord", "coordinator"),
    ("Teacher (SEN)", "teacher (special educational needs)"),
    ("ta/lsa", "teaching assistant/learning support assistant"),
    ("Cabbie", "taxi driver"),
])
def test_expands_short_forms_acronyms_and_slang(title, expected):
    assert expand_title(title) == expected


@pytest.mark.parametrize("title, expected", [
    ("High School Teacher", "secondary school teacher"),
    ("Server", "waiter"),                       # alone or last: the restaurant job
    ("Restaurant server", "restaurant waiter"),
    ("SQL server administrator", "sql server administrator"),  # before another word: left alone
    ("Realtor", "estate agent"),
    ("Streetcar operator", "tram operator"),
    ("Community center manager", "community centre manager"),
    ("Physical therapist", "physiotherapist"),
])
def test_american_titles_are_read_in_british_usage(title, expected):
    assert expand_title(title) == expected


@pytest.mark.parametrize("title, expected", [
    ("Tech support", "technical support"),          # before another word: the adjective
    ("IT tech", "information technology technician"),  # at the end: the person
    ("Tech (IT)", "technician (information technology)"),
    ("Tech at school", "technician at school"),     # a preposition ends the phrase
    ("Maintenance tech 2", "maintenance technician 2"),
    ("Auto elec", "auto electrician"),
    ("Elec/mech eng", "electrical/mechanical engineer"),
    ("elec and mech engineer", "electrical and mechanical engineer"),
    ("eng manager", "engineering manager"),
    ("PC", "police constable"),
    ("PC in Met police", "police constable in met police"),
    ("PC technician", "computer technician"),
    ("SEO", "senior executive officer"),
    ("SEO executive", "search engine optimisation executive"),
    ("PT", "personal trainer"),                      # alone: the job
    ("PT cleaner", "part time cleaner"),             # before a job: part time
    ("Gym PT", "gym pt"),                            # ambiguous: left as written
    ("doc controller", "doc controller"),            # "doc" is a doctor only at the end
    ("copper pipe fitter", "copper pipe fitter"),
])
def test_reading_depends_on_where_the_word_stands(title, expected):
    assert expand_title(title) == expected


@pytest.mark.parametrize("title, expected", [
    ("Athrawes ysgol gynradd", "primary school teacher"),
    ("athro ysgol uwchradd", "secondary school teacher"),
    ("Rheolwr siop", "shop manager"),
    ("gyrrwr bws", "bus driver"),
    ("Ffermwr llaeth", "dairy farmer"),
    ("gweithiwr gofal cartref", "home care worker"),
    ("cynorthwyydd cymorth dysgu", "learning support assistant"),
    ("swyddog y cyngor", "council officer"),          # the article is dropped
    ("Uwch reolwr prosiect", "senior project manager"),  # "uwch" comes first in both languages
    ("prif weithredwr", "chief executive"),
    ("is-bennaeth", "deputy head"),
    ("meddyg teulu", "general practitioner"),
    ("Rheolwr siop Tesco", "shop manager tesco"),     # only the Welsh run is reordered
])
def test_welsh_is_translated_into_english_order(title, expected):
    assert expand_title(title) == expected


def test_welsh_answer_keeps_the_meaningful_words():
    words = expand_title("Athrawes ysgol gynradd").split()
    assert {"teacher", "primary", "school"} <= set(words)


@pytest.mark.parametrize("title", ["Tractor driver", "Underwriter", "Bookkeeper (self-employed)", "it's complicated",
                                   "re-tiler"])
def test_unknown_words_are_only_lower_cased(title):
    assert expand_title(title) == title.lower()


@pytest.mark.parametrize("title", ["", "   ", None, float("nan")])
def test_blank_titles_give_the_empty_string(title):
    assert expand_title(title) == ""


@pytest.mark.parametrize("title", ["😀 💼 🔧", "\ud800abc", "ﬁtter", "Ⅳ", "x²", "司机", "____", "...", "&/&",
                                   "a" * 5000, "mgr. " * 200, "\x00\x1f", "Ωμέγα ΗGV"])
def test_arbitrary_unicode_never_raises(title):
    assert isinstance(expand_title(title), str)
    assert employer_industry(title) is None or isinstance(employer_industry(title), str)
    mentions_employer(title)


@pytest.mark.parametrize("text", ["Tesco", "Tesco PLC", "tesco stores ltd", "The Tesco Group", "TESCO UK", " tesco. "])
def test_employer_names_with_company_suffixes(text):
    assert "supermarket" in employer_industry(text)


@pytest.mark.parametrize("text, expected", [
    ("Sainsbury's", "supermarket"),
    ("SAINSBURYS", "supermarket"),
    ("M&S", "clothing"),
    ("Marks & Spencer plc", "clothing"),
    ("B&Q", "diy"),
    ("McDonald's", "fast food"),
    ("NHS", "hospital"),
    ("Royal Mail", "postal"),
    ("Co-op", "supermarket"),
    ("The Co-operative Group", "supermarket"),
    ("HMRC", "government"),
    ("British Army", "armed forces"),
    ("Wetherspoons", "public house"),
    ("Barclays", "banking"),
])
def test_known_employers(text, expected):
    assert expected in employer_industry(text)


@pytest.mark.parametrize("text", ["tractor driver", "", "Cardiff Council", "works at Tesco", "Teso", "Nextdoor"])
def test_employer_industry_needs_the_whole_answer_to_be_a_known_name(text):
    assert employer_industry(text) is None


@pytest.mark.parametrize("text, expected", [
    ("works at tesco express", "supermarket"),
    ("Cardiff Council", "local government"),
    ("salvation army", "charity"),                   # the longer name wins over "army"
    ("sainsbury's deli counter", "supermarket"),
    ("Next", "clothing"),                            # a common word still counts as the whole answer
])
def test_mentions_employer_finds_names_inside_text(text, expected):
    assert expected in mentions_employer(text)


@pytest.mark.parametrize("text", ["next to the school", "safety boots", "jcb driver", "tractor driver", "three shifts"])
def test_mentions_employer_ignores_names_that_are_ordinary_words(text):
    assert mentions_employer(text) is None


def test_every_section_is_present_and_every_key_lower_case():
    data = _raw_sections()
    for section in (*TITLE_SECTIONS, "employers"):
        assert len(data[section]) >= 40, section
        assert all(key == key.lower() and key == key.strip() and key for key in data[section]), section


def test_every_expansion_is_non_empty():
    data = _raw_sections()
    for section in TITLE_SECTIONS:
        for key, value in data[section].items():
            if isinstance(value, dict):
                assert value and set(value) <= {"alone", "last", "before"}, key
                assert all(isinstance(v, str) and v.strip() for v in value.values()), key
            else:
                assert isinstance(value, str) and value.strip(), key
    assert all(isinstance(v, str) and v.strip() for v in data["employers"].values())


def test_no_title_key_means_different_things_in_two_sections():
    data = _raw_sections()
    seen = {}
    for section in TITLE_SECTIONS:
        for key, value in data[section].items():
            if key in seen:
                assert seen[key][1] == value, f"{key!r}: {seen[key][0]} and {section} disagree"
            seen.setdefault(key, (section, value))


def test_employer_names_do_not_collide_after_normalising():
    from model.lexicon import _employer_key
    data = _raw_sections()
    industries = {}
    for name, industry in data["employers"].items():
        key = _employer_key(name)
        assert key, name
        assert industries.setdefault(key, industry) == industry, f"{name!r} collides on {key!r}"
    for name in data["_employers_whole_text_only"]:
        assert _employer_key(name) in industries, name


def test_lexicon_is_loaded_once():
    assert lexicon() is lexicon()


def test_json_ships_as_package_data():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    assert "data/*.json" in pyproject["tool"]["setuptools"]["package-data"]["model"]
