"""The HTTP front: a FastAPI application over one loaded SocCoder, and the clerical coders' page at `/`.

Thin on purpose: coding is model.SocCoder.code, search and describe are model.classification. The coding
endpoint is a plain `def`, so FastAPI runs it in its threadpool and `/health` (async) answers while answers are
being coded; one lock lets a single request at a time use the model (the encoder already uses every core, and
the coder builds lookups on first use).

Limits: at most MAX_BATCH answers a request, MAX_FIELD_CHARS characters a field (what the model reads; the
batch command codes longer fields on their start), MAX_BODY_BYTES a request body. Breaking one gives a 422
naming the field and index (`answers[3].job_description`), or a 413 for the body.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any, Literal, Union

from fastapi import Body, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag
from starlette.exceptions import HTTPException as StarletteHTTPException

from model.batch import BatchOptions
from model.classification import MATCH_KINDS, Classification, NoClassificationError, UnknownCodeError, no_classification_message
from model.coder import ANSWER_FIELDS, SocCoder

MAX_BATCH = 1_000
MAX_FIELD_CHARS = BatchOptions().max_answer_chars  # 2,000: the model reads no more (the encoder takes 256 tokens)
MAX_BODY_BYTES = 8 * 1024 * 1024  # 1,000 answers of three full fields in plain text fit in 6 MB
MAX_QUERY_CHARS = 200
MAX_SEARCH_LIMIT = 50
STATIC = resources.files("soc_coder") / "static"

FieldText = Annotated[str | None, Field(max_length=MAX_FIELD_CHARS)]


# ---------------------------------------------------------------- request and response bodies


class Answer(BaseModel):
    """One survey answer; any field may be empty or left out."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"job_title": "Care assistant", "job_description": "help residents wash and dress", "industry": "care home"}]})

    id: str | int | None = Field(default=None, description="Your id for the answer, given back with its result.")
    job_title: FieldText = ""
    job_description: FieldText = ""
    industry: FieldText = Field(default="", description="What the employer makes or does.")


class AnswerBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: list[Answer] = Field(max_length=MAX_BATCH, description=f"At most {MAX_BATCH:,} answers, coded in order.")


def _request_kind(value: Any) -> str:
    return "batch" if isinstance(value, AnswerBatch) or (isinstance(value, dict) and "answers" in value) else "answer"


CodeRequest = Annotated[Union[Annotated[AnswerBatch, Tag("batch")], Annotated[Answer, Tag("answer")]], Discriminator(_request_kind)]


class Candidate(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    title: str
    score: float


class Result(BaseModel):
    """model.CodingResult.as_record() with the answer's id; fields added there (other schemes) pass through."""

    model_config = ConfigDict(extra="allow")

    id: str | int | None = None
    soc2020_code: str
    soc2020_title: str
    confidence: float
    status: str
    candidates: list[Candidate]
    explanation: str


class BatchResults(BaseModel):
    results: list[Result]


class SearchMatch(BaseModel):
    field: str
    text: str


class UnitGroupHit(BaseModel):
    code: str
    title: str
    match: Literal[MATCH_KINDS]  # type: ignore[valid-type]
    score: float
    matches: list[SearchMatch]


class IndexEntryHit(BaseModel):
    title: str
    add: str
    ind: str
    code: str
    sub_unit_group: str
    unit_group_title: str
    match: Literal[MATCH_KINDS]  # type: ignore[valid-type]
    score: float


class SearchResults(BaseModel):
    query: str
    unit_groups: list[UnitGroupHit]
    index_entries: list[IndexEntryHit]


class GroupRef(BaseModel):
    level: str
    code: str
    title: str


class Link(BaseModel):
    code: str
    title: str
    index_entries: int = Field(description="Coding-index entries of the unit group that carry this code.")


class GroupDescription(BaseModel):
    """A unit group in full; a major, sub-major or minor group with the groups directly under it."""

    code: str
    level: str
    title: str
    hierarchy: list[GroupRef]
    description: str
    entry_routes: str | None = None
    tasks: list[str] | None = None
    related_titles: list[str] | None = None
    index_entries: int | None = None
    sub_unit_groups: list[Link] | None = None
    soc2010: list[Link] | None = None
    isco08: list[Link] | None = None
    groups: list[GroupRef] | None = None


class Problem(BaseModel):
    detail: Any


# ---------------------------------------------------------------- the application


def _field_path(loc: tuple | list) -> str:
    """('body', 'batch', 'answers', 3, 'job_title') -> 'answers[3].job_title'."""
    parts = [p for p in loc if p not in ("body", "batch", "answer", "query", "path")]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def _too_large_message() -> str:
    return (f"request body over {MAX_BODY_BYTES:,} bytes: send at most {MAX_BATCH:,} answers a request, "
            f"each field at most {MAX_FIELD_CHARS:,} characters")


class _BodyLimit:
    """413 for a request body over `max_bytes`, with a message saying the limits: at once for a Content-Length over
    it, else as soon as the body read so far passes it (FastAPI's own max_body_size answers only "Content Too Large")."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            return await JSONResponse({"detail": _too_large_message()}, status_code=413)(scope, receive, send)
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413)  # answered by the app's handler below
            return message

        await self.app(scope, counted, send)


def create_app(coder: SocCoder, model_id: str = "", warm_up: bool = True) -> FastAPI:
    """The application serving `coder`; `warm_up` builds its lookups and search index before the first request."""
    lock = threading.Lock()
    classification: Classification | None = coder.classification

    def warm() -> None:
        with lock:
            coder.code_one("Care assistant", "help residents wash and dress", "care home")
        if classification is not None:
            classification.search("care assistant")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if warm_up:
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(warm)
        yield

    app = FastAPI(
        title="soc-coder",
        summary="Codes occupation answers to SOC 2020 unit groups, and searches and describes the classification.",
        version="1",
        lifespan=lifespan,
    )
    app.add_middleware(_BodyLimit, max_bytes=MAX_BODY_BYTES)

    @app.exception_handler(RequestValidationError)
    async def validation_failed(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field_path(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        for e in errors:
            if e["field"] == "body" and e["type"] in ("model_attributes_type", "missing"):
                e["msg"] += " (send a JSON object with Content-Type: application/json)"
        message = "; ".join(f"{e['field']}: {e['msg']}" for e in errors[:10])
        if len(errors) > 10:
            message += f"; ... ({len(errors)} problems)"
        return JSONResponse({"detail": message, "errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        detail = _too_large_message() if error.status_code == 413 else error.detail
        return JSONResponse({"detail": detail}, status_code=error.status_code, headers=getattr(error, "headers", None))

    def _classification() -> Classification:
        if classification is None:
            raise HTTPException(503, no_classification_message(model_id or "being served"))
        return classification

    @app.get("/health", summary="Is the service up, and which model does it serve")
    async def health() -> dict:
        return {
            "status": "ok",
            "model": {key: coder.metadata.get(key, "") for key in ("coding_index_version", "volume1_version", "encoder", "trained_at")}
                     | {"fingerprint": model_id, "auto_code_threshold": coder.auto_code_threshold},
            "search": classification is not None,
        }

    @app.post("/v1/code", response_model=Union[Result, BatchResults], responses={422: {"model": Problem}, 413: {"model": Problem}},
              summary=f"Code one answer, or {{'answers': [...]}} with up to {MAX_BATCH:,}")
    def code(request: Annotated[CodeRequest, Body()]) -> Result | BatchResults:
        answers = request.answers if isinstance(request, AnswerBatch) else [request]
        with lock:
            results = coder.code([answer.model_dump(include=set(ANSWER_FIELDS)) for answer in answers])
        records = [{"id": answer.id, **result.as_record()} for answer, result in zip(answers, results)]
        return BatchResults(results=records) if isinstance(request, AnswerBatch) else Result(**records[0])

    @app.get("/v1/search", response_model=SearchResults, responses={422: {"model": Problem}, 503: {"model": Problem}},
             summary="Unit groups and index entries matching a job title or task words")
    def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS, description="Job title or task words.")],
               limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_LIMIT, description="How many unit groups and index entries.")] = 10) -> dict:
        return _classification().search(q, limit)

    @app.get("/v1/unit-groups/{code}", response_model=GroupDescription, response_model_exclude_none=True, responses={404: {"model": Problem}, 503: {"model": Problem}},
             summary="A unit group's hierarchy, description, tasks, related titles, sub-unit groups and SOC 2010 / ISCO-08 links")
    def unit_group(code: Annotated[str, Path(max_length=16, description="A unit group (2313), or a major, sub-major or minor group.")]) -> dict:
        try:
            return _classification().describe(code)
        except (UnknownCodeError, NoClassificationError) as error:
            raise HTTPException(404, str(error)) from None

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"))

    return app
