"""Make deduce (Dutch de-identification) usable for the handover redaction. Safe to run again.

The deduce wheel on PyPI lacks ``base_config.json``, so ``deduce.Deduce()`` fails. This
script

1. downloads the deduce sdist of the installed version from PyPI with ``pip download``
   (hash-checked for the pinned 3.0.4) and copies its ``base_config.json`` to
   ``.cache/deduce/`` (gitignored), unless a valid copy for this version is already there;
2. loads deduce once, which builds its lookup structures (1-3 minutes the first time) and
   caches them in ``.cache/deduce/cache/``, so the first handover does not wait for it;
3. redacts a test sentence to check that deduce really works.

It prints each step and how long it took, and exits non-zero with a message on failure.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from handover.redact import (  # noqa: E402 (needs ROOT on sys.path first)
    DEDUCE_CACHE_FILE,
    DEDUCE_CONFIG,
    DEDUCE_DIR,
    DeduceUnavailable,
    load_deduce,
)

# sha256 of the sdist on PyPI, checked by pip (--require-hashes) for the pinned version.
SDIST_SHA256 = {"3.0.4": "1d26b3207c9c5d9503f02974d49eda95bce06e3415e7e6fc2a6fa15c05da1624"}
VERSION_STAMP = DEDUCE_DIR / "base_config.version"
TEST_SENTENCE = "Ik ben Fatima Jansen, bel me op 06-12345678 of mail fatima@example.nl."


class SetupError(RuntimeError):
    """A step failed; the message says what to do."""


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def installed_version() -> str:
    try:
        return importlib.metadata.version("deduce")
    except importlib.metadata.PackageNotFoundError as exc:
        raise SetupError("deduce is not installed in this venv: run `make setup`") from exc


def config_is_valid(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("annotators"), dict)


def download_sdist(version: str, folder: Path) -> Path:
    """Download the deduce sdist into ``folder`` with pip; return the archive path."""
    requirement = f"deduce=={version}"
    digest = SDIST_SHA256.get(version)
    args = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
            "--disable-pip-version-check", "--progress-bar", "off", "-d", str(folder)]
    if digest:
        req_file = folder / "requirements.txt"
        req_file.write_text(f"{requirement} --hash=sha256:{digest}\n", encoding="utf-8")
        args += ["--require-hashes", "-r", str(req_file)]
    else:
        print(f"    (no known hash for deduce {version}; downloading without a hash check)")
        args.append(requirement)
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-8:])
        raise SetupError(
            f"pip could not download the deduce {version} sdist from PyPI (check the network "
            f"or the pip index settings, then run `make setup` again):\n{tail}"
        )
    archives = sorted(folder.glob("deduce-*.tar.gz"))
    if not archives:
        raise SetupError(f"pip reported success but no deduce sdist is in {folder}")
    archive = archives[0]
    if digest and hashlib.sha256(archive.read_bytes()).hexdigest() != digest:
        raise SetupError(f"the downloaded {archive.name} does not match the pinned sha256")
    return archive


def extract_config(archive: Path, version: str) -> None:
    """Copy ``base_config.json`` out of the sdist to DEDUCE_CONFIG (atomically)."""
    member = f"deduce-{version}/base_config.json"
    try:
        with tarfile.open(archive, "r:gz") as tar:
            handle = tar.extractfile(member)
            if handle is None:
                raise KeyError(member)
            data = handle.read()
    except (KeyError, tarfile.TarError, OSError) as exc:
        raise SetupError(f"{archive.name} has no readable {member}: {exc}") from exc
    try:
        json.loads(data.decode("utf-8"))
    except ValueError as exc:
        raise SetupError(f"{member} in {archive.name} is not valid JSON: {exc}") from exc
    DEDUCE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = DEDUCE_CONFIG.with_suffix(".json.tmp")
    tmp.write_bytes(data)
    tmp.replace(DEDUCE_CONFIG)
    VERSION_STAMP.write_text(version + "\n", encoding="utf-8")


def ensure_config(version: str) -> None:
    stamp = VERSION_STAMP.read_text(encoding="utf-8").strip() if VERSION_STAMP.exists() else ""
    if config_is_valid(DEDUCE_CONFIG) and stamp == version:
        step(f"deduce {version} base_config.json is present ({DEDUCE_CONFIG.relative_to(ROOT)})")
        return
    step(f"Downloading the deduce {version} sdist from PyPI for its base_config.json")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="deduce-sdist-") as tmp:
        archive = download_sdist(version, Path(tmp))
        extract_config(archive, version)
    print(f"    saved {DEDUCE_CONFIG.relative_to(ROOT)} in {time.perf_counter() - start:.1f} s")


def warm_cache() -> None:
    cached = DEDUCE_CACHE_FILE.exists()
    if cached:
        step("Loading deduce from its lookup cache")
    else:
        step("Building deduce's lookup structures (first time only: 1-3 minutes)")
    start = time.perf_counter()
    # load_deduce warns "cache missing, run make setup" when it builds: that is this script
    logging.getLogger("handover.redact").setLevel(logging.ERROR)
    try:
        model = load_deduce()
    except DeduceUnavailable as exc:
        raise SetupError(str(exc)) from exc
    print(f"    deduce loaded in {time.perf_counter() - start:.1f} s")
    if not DEDUCE_CACHE_FILE.exists():
        raise SetupError(f"deduce loaded but wrote no cache at {DEDUCE_CACHE_FILE}")
    start = time.perf_counter()
    redacted = model.deidentify(TEST_SENTENCE).deidentified_text
    elapsed = (time.perf_counter() - start) * 1000
    for secret in ("Fatima", "06-12345678", "fatima@example.nl"):
        if secret in redacted:
            raise SetupError(f"deduce did not redact {secret!r} in its test sentence: {redacted}")
    print(f"    test sentence redacted in {elapsed:.0f} ms: {redacted}")


def main() -> int:
    start = time.perf_counter()
    try:
        version = installed_version()
        ensure_config(version)
        warm_cache()
    except SetupError as exc:
        print(f"setup_deduce: FAILED: {exc}", file=sys.stderr)
        return 1
    step(f"deduce ready ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
