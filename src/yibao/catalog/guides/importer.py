"""Importing guide files as editions of their regions: the one entry point for commands, the
API and tests. Every file of one call is read and validated before anything is stored, and the
whole call is stored in one transaction: a bad file leaves the catalogue as it was.
"""
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from yibao.catalog.guides.parsed import GuideFormatError
from yibao.catalog.guides.parser import parse_guide
from yibao.catalog.guides.store import save_guide
from yibao.catalog.models import Region
from yibao.core.models import Channel


class GuideImportError(ValueError):
    """The import cannot proceed (unknown region, region not detectable, unreadable file)."""


def seed_dir():
    return Path(settings.YIBAO_SEED_DIR)


@lru_cache(maxsize=4)
def _manifest(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def manifest():
    """The shipped guides and their regions (seeds/manifest.json)."""
    return _manifest(str(seed_dir() / "manifest.json"))


def ensure_region(code):
    """The region `code`, created from the manifest the first time it is needed."""
    region = Region.objects.filter(code=code).first()
    if region:
        return region
    spec = next((r for r in manifest()["regions"] if r["code"] == code), None)
    if spec is None:
        known = "、".join(r["code"] for r in manifest()["regions"])
        raise GuideImportError(f"未知的地区代码“{code}”（可用：{known}）")
    fields = {k: v for k, v in spec.items() if k != "code"}
    region, _ = Region.objects.get_or_create(code=code, defaults=fields)
    return region


def detect_region(parsed):
    """The region code the text names (place names, telephone area codes), "template" for the
    unnamed 附件5 template, or "" when the text does not tell."""
    text = parsed.text
    best, best_score = "", 0
    for spec in manifest()["regions"]:
        if spec.get("is_template"):
            continue
        short = spec["name"].rstrip("市县区")
        score = text.count(short) + (text.count(spec["area_code"] + "-") if spec.get("area_code") else 0)
        if score > best_score:
            best, best_score = spec["code"], score
    if best:
        return best
    head = "\n".join(text.splitlines()[:8])
    if "附件" in head and "公共服务事项指南" in head:
        return "template"
    return ""


def read_file(path):
    """ParsedGuide of one file; a missing or unreadable file is a GuideFormatError too."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GuideFormatError(path.name, 0, f"无法读取文件（{exc.strerror or exc}）") from exc
    return parse_guide(data, path.name)


def import_files(paths, *, region=None, edition="", effective=None, actor=None, channel=Channel.COMMAND):
    """Import guide files; returns [(guide, created)]. `region` (a code) wins over detection."""
    plans = []
    for path in paths:
        parsed = read_file(path)
        code = region or detect_region(parsed)
        if not code:
            raise GuideImportError(f"{parsed.source}：无法从文本判断所属地区，请用 --region 指定地区代码")
        plans.append((parsed, code))
    results = []
    with transaction.atomic():
        for parsed, code in plans:
            results.append(
                save_guide(
                    parsed, ensure_region(code), edition=edition, effective_from=effective,
                    actor=actor, channel=channel,
                )
            )
    return results


def load_defaults(actor=None, channel=Channel.SYSTEM):
    """Import the shipped guides of manifest.json in order, and the shipped service lists
    (seeds/reference/) not loaded yet; a second call changes nothing."""
    from yibao.catalog.actions import load_shipped_lists

    entries = manifest()["guides"]
    parsed = [(read_file(seed_dir() / e["file"]), e) for e in entries]
    results = []
    with transaction.atomic():
        for spec in manifest()["regions"]:
            ensure_region(spec["code"])
        for guide, entry in parsed:
            results.append(
                save_guide(guide, ensure_region(entry["region"]), edition=entry.get("edition", ""),
                           actor=actor, channel=channel)
            )
        load_shipped_lists(actor=actor, channel=channel)
    return results
