"""The HTTP API, in-process (FastAPI's TestClient) with the tiny fixture model; one test with the real model."""

import json
import threading
from urllib.parse import quote

import httpx2
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.results import CodingResult
from soc_coder.serve import MAX_BATCH, MAX_BODY_BYTES, MAX_FIELD_CHARS, create_app
from served import serving


@pytest.fixture(scope="module")
def client(tiny_coder):
    with TestClient(create_app(tiny_coder, "tiny-fingerprint")) as client:
        yield client


def _record(result: CodingResult, answer_id=None) -> dict:
    return {"id": answer_id, **json.loads(json.dumps(result.as_record()))}


def test_health_names_the_model(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["search"] is True
    assert health["model"]["coding_index_version"] == "13"
    assert health["model"]["fingerprint"] == "tiny-fingerprint"


def test_one_answer_gets_what_the_model_gives(client, tiny_coder):
    response = client.post("/v1/code", json={"job_title": "Sous chef", "job_description": "cooks in a hotel kitchen", "industry": "hotel"})
    assert response.status_code == 200
    expected = tiny_coder.code_one("Sous chef", "cooks in a hotel kitchen", "hotel")
    assert response.json() == _record(expected)
    assert response.json()["soc2020_code"] == "5434"


def test_a_batch_comes_back_in_order_with_its_ids(client, tiny_coder):
    answers = [{"id": "r9", "job_title": "Delivery driver", "industry": "courier"}, {"id": 7, "job_title": "retired"},
               {"id": "r1"}, {"id": "r2", "job_title": None, "job_description": "stack shelves and serve customers"}]
    response = client.post("/v1/code", json={"answers": answers})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["r9", 7, "r1", "r2"]
    expected = tiny_coder.code([{k: v for k, v in a.items() if k != "id"} for a in answers])
    assert results == [_record(e, a["id"]) for e, a in zip(expected, answers)]
    assert [r["status"] for r in results[1:3]] == ["not_in_employment", "uncodable"]
    assert client.post("/v1/code", json={"answers": []}).json() == {"results": []}


def test_fields_added_to_coding_results_pass_through(client, monkeypatch):
    """Other schemes' columns (soc2010_code, ...) appear once CodingResult.as_record gives them."""
    original = CodingResult.as_record
    monkeypatch.setattr(CodingResult, "as_record", lambda self: {**original(self), "soc2010_code": "5434", "soc2010_confidence": 0.5})
    single = client.post("/v1/code", json={"job_title": "Sous chef"}).json()
    assert (single["soc2010_code"], single["soc2010_confidence"]) == ("5434", 0.5)
    batch = client.post("/v1/code", json={"answers": [{"job_title": "Sous chef"}]}).json()
    assert batch["results"][0]["soc2010_code"] == "5434"


def test_batch_and_field_limits_are_422s_naming_the_field(client):
    too_many = client.post("/v1/code", json={"answers": [{"job_title": "chef"}] * (MAX_BATCH + 1)})
    assert too_many.status_code == 422
    assert too_many.json()["detail"].startswith(f"answers: List should have at most {MAX_BATCH} items")
    long_field = client.post("/v1/code", json={"answers": [{"job_title": "chef"}, {"job_description": "x" * (MAX_FIELD_CHARS + 1)}]})
    assert long_field.status_code == 422
    assert long_field.json()["errors"] == [{"field": "answers[1].job_description", "msg": f"String should have at most {MAX_FIELD_CHARS} characters",
                                            "type": "string_too_long"}]
    assert client.post("/v1/code", json={"job_description": "x" * MAX_FIELD_CHARS}).status_code == 200
    unknown = client.post("/v1/code", json={"jobtitle": "chef"})
    assert unknown.status_code == 422 and unknown.json()["detail"] == "jobtitle: Extra inputs are not permitted"


def test_a_body_over_the_limit_is_a_413_saying_the_limits(client):
    declared = client.post("/v1/code", content=b" " * (MAX_BODY_BYTES + 1), headers={"content-type": "application/json"})
    assert declared.status_code == 413
    assert f"at most {MAX_BATCH:,} answers" in declared.json()["detail"]

    def chunks():  # no Content-Length: stopped once the body read passes the limit
        for _ in range(MAX_BODY_BYTES // (1 << 20) + 2):
            yield b" " * (1 << 20)

    streamed = client.post("/v1/code", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and "request body over" in streamed.json()["detail"]


@pytest.mark.parametrize("body", [
    b"{not json", b"[]", b'"chef"', b"null", b"42", b'{"answers": "chef"}', b'{"answers": [1]}', b'{"answers": [{"job_title": ["a"]}]}',
    b'{"answers": null}', b'{"job_title": {"x": 1}}', b'{"job_title": "chef", "answers": []', b"\xff\xfe\x00",
    b'{"id": [1], "job_title": "chef"}',
])
def test_bad_bodies_are_4xx_never_5xx(client, body):
    response = client.post("/v1/code", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize("answer", [{"job_title": "\u202e\u0000\ud7ff 🙂"}, {"job_title": "=HYPERLINK(\"x\")"}, {"industry": " " * 2000},
                                    {"job_title": "12345"}, {"job_description": "Lehrer an einer Grundschule"}])
def test_odd_answers_are_coded_or_called_uncodable(client, answer):
    response = client.post("/v1/code", json=answer)
    assert response.status_code == 200
    assert response.json()["status"] in ("coded", "referred", "uncodable", "not_in_employment")


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3), max_leaves=8)
answer_like = st.fixed_dictionaries({}, optional={"id": json_values, "job_title": json_values, "job_description": json_values,
                                                  "industry": json_values})
bodies = json_values | answer_like | st.fixed_dictionaries({"answers": st.lists(answer_like | json_values, max_size=3)})


@pytest.mark.parametrize(("body", "field"), [('{"job_title": NaN}', "job_title"), ('{"job_title": "nurse", "industry": Infinity}', "industry"),
                                           ('[-Infinity]', "body")])
def test_non_standard_json_numbers_are_a_422_naming_the_field(client, body, field):
    # JSON has no NaN or Infinity (RFC 8259) and client libraries will not send them, but Python's parser reads them
    response = client.post("/v1/code", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{field}: ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_any_json_body_is_coded_or_a_422(client, body):
    response = client.post("/v1/code", json=body)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        results = response.json()["results"] if isinstance(body, dict) and "answers" in body else [response.json()]
        assert all(r["status"] in ("coded", "referred", "uncodable", "not_in_employment") for r in results)
    else:
        assert response.json()["detail"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60), code=st.text(max_size=12))
def test_any_search_or_code_is_answered_or_refused_as_4xx(client, query, code):
    assert client.get("/v1/search", params={"q": query}).status_code in (200, 422)
    assert client.get(f"/v1/unit-groups/{quote(code, safe='')}").status_code in (200, 404, 422)


def test_search_and_unit_groups(client, tiny_coder):
    found = client.get("/v1/search", params={"q": "sous chef", "limit": 2})
    assert found.status_code == 200
    assert found.json() == json.loads(json.dumps(tiny_coder.classification.search("sous chef", 2)))
    assert found.json()["unit_groups"][0]["code"] == "5434"
    group = client.get("/v1/unit-groups/5434").json()
    assert group == {k: v for k, v in tiny_coder.classification.describe("5434").items()}
    assert client.get("/v1/unit-groups/54").json()["groups"][1] == {"code": "543", "level": "minor", "title": "Food preparation and hospitality trades"}
    missing = client.get("/v1/unit-groups/9999")
    assert missing.status_code == 404 and "no SOC 2020 group '9999'" in missing.json()["detail"]


@pytest.mark.parametrize("params, field", [({}, "q"), ({"q": ""}, "q"), ({"q": "x" * 201}, "q"), ({"q": "chef", "limit": 0}, "limit"),
                                           ({"q": "chef", "limit": 51}, "limit"), ({"q": "chef", "limit": "many"}, "limit")])
def test_bad_searches_are_422s_naming_the_parameter(client, params, field):
    response = client.get("/v1/search", params=params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_page_static_files_and_docs(client):
    page = client.get("/")
    assert page.status_code == 200 and 'id="candidates"' in page.text and "/static/app.js" in page.text
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/v1/code", "/v1/search", "/v1/unit-groups/{code}"} <= set(paths)


def test_a_model_without_classification_still_codes_and_says_to_retrain(tiny_coder):
    saved, tiny_coder.classification = tiny_coder.classification, None
    try:
        with TestClient(create_app(tiny_coder, warm_up=False)) as client:
            assert client.get("/health").json()["search"] is False
            assert client.post("/v1/code", json={"job_title": "Sous chef"}).json()["soc2020_code"] == "5434"
            refused = client.get("/v1/search", params={"q": "chef"})
            assert refused.status_code == 503 and "retrain it with `soc-coder train`" in refused.json()["detail"]
            assert client.get("/v1/unit-groups/5434").status_code == 503
    finally:
        tiny_coder.classification = saved


class _HeldCoder:
    """The tiny coder, with each call to `code` held until the test lets it go."""

    def __init__(self, coder):
        self.coder, self.started, self.release = coder, threading.Event(), threading.Event()

    def __getattr__(self, name):
        return getattr(self.coder, name)

    def code(self, answers, **options):
        self.started.set()
        assert self.release.wait(60)
        return self.coder.code(answers, **options)


def test_health_answers_while_an_answer_is_being_coded(tiny_coder):
    held = _HeldCoder(tiny_coder)
    with serving(create_app(held, warm_up=False)) as url:
        outcome = {}
        coding = threading.Thread(target=lambda: outcome.update(response=httpx2.post(f"{url}/v1/code", json={"job_title": "Sous chef"}, timeout=60)))
        coding.start()
        assert held.started.wait(30)
        assert httpx2.get(f"{url}/health", timeout=10).json()["status"] == "ok"  # while the coding request is held
        assert coding.is_alive()
        held.release.set()
        coding.join(60)
    assert outcome["response"].json()["soc2020_code"] == "5434"


@pytest.mark.ons
def test_the_real_model_served(real_coder):
    with TestClient(create_app(real_coder)) as client:
        coded = client.post("/v1/code", json={"job_title": "maths teacher", "industry": "secondary school"}).json()
        assert coded["soc2020_code"] == "2313"
        found = client.get("/v1/search", params={"q": "maths teacher"}).json()
        assert found["unit_groups"][0]["code"] == "2313"
        assert found["index_entries"][0]["sub_unit_group"] == "2313/11"
        group = client.get("/v1/unit-groups/2313").json()
        assert "2313/11" in [s["code"] for s in group["sub_unit_groups"]]
        assert group["soc2010"][0]["code"] == "2314" and group["isco08"][0]["code"] == "2330"
