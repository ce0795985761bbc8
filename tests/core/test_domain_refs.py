"""Every rule in the code points to its line of shared/DOMAIN.md, and the line is still that rule's (DOMAIN.md is
edited: a reference left behind would send a reader to the wrong rule)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT.parent / "shared" / "DOMAIN.md"
REF = re.compile(r"DOMAIN\.md:(\d+)(?:-(\d+))?((?:,\d+)*)")
# Words that name what a reference is about, and a word its line holds.
TOPICS = {"Session shape": "Session shape", "Bout lengths": "Bout", "Terrain classes": "", "Speeds": "",
          "Progression": "", "Safety cues": "", "Pain-monitoring": "pain"}


AMOUNT = re.compile(r"\d+(?:\.\d+)?\s?(?:%|°|min\b|mph\b|km/h|ft\b|m\b)")
"""An amount with its unit ("0.2 mph", "45°", "30 m"): where a reference quotes one, its line must say it."""


def references() -> list[tuple[str, int, str]]:
    files = subprocess.run(["git", "ls-files", "src", "README.md"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    out = []
    for name in files:
        if "/migrations/" in name or not name.endswith((".py", ".md", ".html", ".js")):
            continue
        for number, line in enumerate((ROOT / name).read_text().splitlines(), 1):
            if "DOMAIN.md:" in line:
                out.append((f"{name}:{number}", number, line))
    return out


def paragraph_of(lines: list[str], at: int) -> str:
    """The paragraph (blank line to blank line) holding line ``at`` (1-based)."""
    start = at
    while start > 1 and lines[start - 2].strip():
        start -= 1
    return lines[start - 1]


@pytest.mark.skipif(not DOMAIN.exists(), reason=f"shared DOMAIN.md not found at {DOMAIN}")
@pytest.mark.parametrize(("where", "number", "line"), references(), ids=[r[0] for r in references()])
def test_a_domain_reference_points_at_the_rule_it_names(where: str, number: int, line: str) -> None:
    lines = DOMAIN.read_text().splitlines()
    for match in REF.finditer(line):
        first = int(match.group(1))
        last = int(match.group(2) or first)
        extra = [int(n) for n in match.group(3).split(",") if n]
        for n in (first, last, *extra):
            assert 1 <= n <= len(lines) and lines[n - 1].strip(), f"{where}: DOMAIN.md:{n} is blank or past the end"
        rest = line[match.end():match.end() + 40]
        for topic in TOPICS:
            if rest.lstrip(" ':").startswith(topic):
                head = paragraph_of(lines, first)
                assert topic.split("-")[0].lower() in head.lower() or topic.lower() in " ".join(
                    lines[first - 1:last]).lower(), f"{where}: DOMAIN.md:{first} is not in the {topic} paragraph"
        quoted = [q.replace(" ", "") for q in AMOUNT.findall(rest.replace("−", "-"))]
        if quoted:
            held = " ".join(lines[first - 1:last] + [lines[n - 1] for n in extra]).replace("−", "-").replace(" ", "")
            assert any(q in held for q in quoted), f"{where}: DOMAIN.md:{first}-{last} does not say {quoted}"
        s_id = re.search(r"\bS([1-7])\b", line[:match.start()][-20:])
        if s_id:
            assert f"| S{s_id.group(1)} |" in lines[first - 1], f"{where}: DOMAIN.md:{first} is not rule S{s_id[1]}"
