"""Saving and loading a model directory: arrays (.npy) and JSON only, every file checksummed.

`manifest.json` lists each file's sha256 with what the model was trained on (ONS index version, encoder);
loading refuses a directory whose files do not match it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class ModelArtifactError(RuntimeError):
    """A model directory that is missing, incomplete or altered."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_model_dir(directory: Path, arrays: dict[str, np.ndarray], documents: dict[str, object], metadata: dict) -> Path:
    """Write arrays as <name>.npy and documents as <name>.json, then the manifest with their checksums."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, array in arrays.items():
        path = directory / f"{name}.npy"
        np.save(path, np.asarray(array), allow_pickle=False)
        files[path.name] = sha256_of(path)
    for name, document in documents.items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        files[path.name] = sha256_of(path)
    manifest = {"format_version": FORMAT_VERSION, **metadata, "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return directory


def read_model_dir(directory: Path) -> tuple[dict[str, np.ndarray], dict[str, object], dict]:
    """(arrays, documents, manifest) after checking every file against the manifest."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ModelArtifactError(f"{directory} is not a soc-coder model: no {MANIFEST} (train one with `soc-coder train`)")
    manifest = _json(manifest_path, directory)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise ModelArtifactError(f"{directory}: {MANIFEST} is not a soc-coder manifest (no list of files)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelArtifactError(f"{directory}: model format {manifest.get('format_version')}, this soc-coder reads {FORMAT_VERSION}")
    arrays, documents = {}, {}
    for name, expected in manifest["files"].items():
        path = directory / name
        if not path.is_file():
            raise ModelArtifactError(f"{directory}: {name} is missing")
        actual = sha256_of(path)
        if actual != expected:
            raise ModelArtifactError(f"{directory}: {name} has sha256 {actual}, the manifest says {expected}")
        if name.endswith(".npy"):
            try:
                arrays[name[:-4]] = np.load(path, allow_pickle=False)
            except (ValueError, OSError) as error:  # e.g. an object array, which would need unpickling
                raise ModelArtifactError(f"{directory}: {name} is not a plain array ({error})") from None
        else:
            documents[name[:-5]] = _json(path, directory)
    return arrays, documents, manifest


def read_document(directory: Path, name: str) -> object | None:
    """One JSON document of a model directory, checked against the manifest, without reading the arrays;
    None when the model has no such document (it was trained before the document existed)."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ModelArtifactError(f"{directory} is not a soc-coder model: no {MANIFEST} (train one with `soc-coder train`)")
    manifest = _json(manifest_path, directory)
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise ModelArtifactError(f"{directory}: {MANIFEST} is not a soc-coder manifest (no list of files)")
    file_name = f"{name}.json"
    if file_name not in files:
        return None
    path = directory / file_name
    if not path.is_file():
        raise ModelArtifactError(f"{directory}: {file_name} is missing")
    actual = sha256_of(path)
    if actual != files[file_name]:
        raise ModelArtifactError(f"{directory}: {file_name} has sha256 {actual}, the manifest says {files[file_name]}")
    return _json(path, directory)


def _json(path: Path, directory: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelArtifactError(f"{directory}: {path.name} is damaged: not JSON ({error})") from None


def model_fingerprint(directory: Path) -> str:
    """sha256 of the manifest, which holds the sha256 of every file: the same for the same model, whatever its path."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise ModelArtifactError(f"{directory} is not a soc-coder model: no {MANIFEST} (train one with `soc-coder train`)")
    return sha256_of(path)
