"""Provide the Dutch spaCy pipeline that config.yml points at (.cache/spacy/nl_pipeline).

First choice is spaCy's official ``nl_core_news_sm``. It is not on PyPI and cannot be
downloaded on machines without access to GitHub; then this script builds a small Dutch
pipeline itself: spaCy's Dutch language (tokenizer rules) with the lookup lemmatizer from
spacy-lookups-data. It prints which of the two is in use and records it in
``.cache/spacy/nl_pipeline/PIPELINE.txt``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / ".cache" / "spacy" / "nl_pipeline"
MARKER = TARGET / "PIPELINE.txt"
OFFICIAL = "nl_core_news_sm"
HOME_BUILT = (
    "home-built Dutch pipeline (spacy.blank('nl') + lookup lemmatizer), not nl_core_news_sm"
)


def try_official() -> bool:
    """Save the official model into TARGET if it is installed or can be installed."""
    import spacy

    try:
        nlp = spacy.load(OFFICIAL)
    except OSError:
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "timeout": 120}
        try:
            subprocess.run(
                [sys.executable, "-m", "spacy", "download", OFFICIAL], check=True, **quiet
            )
            nlp = spacy.load(OFFICIAL)
        except (subprocess.SubprocessError, OSError):
            return False
    nlp.to_disk(TARGET)
    MARKER.write_text(f"{OFFICIAL} {nlp.meta.get('version', '')}\n", encoding="utf-8")
    return True


def build_home_made() -> None:
    """Build spaCy's blank Dutch pipeline with a lookup lemmatizer into TARGET."""
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.to_disk(TARGET)
    MARKER.write_text(HOME_BUILT + "\n", encoding="utf-8")


def main() -> int:
    if MARKER.exists():
        print(f"Dutch spaCy pipeline in use: {MARKER.read_text(encoding='utf-8').strip()}")
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    print(f"Looking for the official Dutch spaCy model {OFFICIAL} ...")
    if not try_official():
        print(f"{OFFICIAL} cannot be installed here; building a Dutch pipeline instead.")
        build_home_made()
    print(f"Dutch spaCy pipeline in use: {MARKER.read_text(encoding='utf-8').strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
