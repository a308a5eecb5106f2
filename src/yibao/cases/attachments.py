"""Files supplied as materials: what a file really is (its first bytes, never its name), its size
limit, and where it is kept (settings.YIBAO_UPLOAD_DIR, outside the web root, under a random name).

An upload is a Django UploadedFile (or any binary file object with a name): check() refuses it
before anything is written; store() writes it and returns what the Attachment row records.
"""
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from yibao.cases.exceptions import FileTooLarge, UnsupportedFile

# Magic numbers of the three formats accepted (PDF, PNG, JPEG) and the extension they are kept with.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
ACCEPTED = "PDF、JPEG或PNG"
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Stored:
    stored_name: str
    content_type: str
    size: int
    sha256: str


def max_bytes():
    return int(settings.YIBAO_UPLOAD_MAX_BYTES)


def limit_label():
    size = max_bytes()
    return f"{size // (1024 * 1024)}MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)}KB"


def sniff(head):
    """The content type that the first bytes `head` announce; UnsupportedFile otherwise."""
    for magic, content_type, _ in SIGNATURES:
        if head.startswith(magic):
            return content_type
    raise UnsupportedFile(f"文件格式不支持：只接受{ACCEPTED}文件（按文件内容识别，改扩展名无效）")


def _extension(content_type):
    return next(ext for _, ct, ext in SIGNATURES if ct == content_type)


def _name(upload):
    return os.path.basename(getattr(upload, "name", "") or "")[:255]


def _head(upload):
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return head


def _size(upload):
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return size


def check(upload):
    """The sniffed content type of `upload`; FileTooLarge or UnsupportedFile if it may not be kept."""
    name = _name(upload) or "文件"
    size = _size(upload)
    if size == 0:
        raise UnsupportedFile(f"{name}是空文件，请重新选择", file=name)
    if size > max_bytes():
        raise FileTooLarge(f"{name}超过{limit_label()}，请压缩或分页后上传", file=name, size=size, limit=max_bytes())
    try:
        return sniff(_head(upload))
    except UnsupportedFile as exc:
        raise UnsupportedFile(f"{name}：{exc.message}", file=name) from None


def _chunks(upload):
    upload.seek(0)
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK)
        return
    while chunk := upload.read(CHUNK):
        yield chunk


def upload_dir():
    return Path(settings.YIBAO_UPLOAD_DIR)


def path_of(stored_name):
    """The file behind an Attachment's stored_name (names are ours: no user text reaches the path)."""
    return upload_dir() / stored_name


def store(upload):
    """Check `upload`, write it under a random name and return its Stored record. The file appears
    complete or not at all (written aside, then renamed)."""
    content_type = check(upload)
    token = secrets.token_hex(16)
    stored_name = f"{token[:2]}/{token}{_extension(content_type)}"
    target = path_of(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    digest, size = hashlib.sha256(), 0
    try:
        with open(partial, "xb") as out:
            os.chmod(partial, 0o600)
            for chunk in _chunks(upload):
                size += len(chunk)
                if size > max_bytes():  # the declared size may lie
                    raise FileTooLarge(f"{_name(upload) or '文件'}超过{limit_label()}，请压缩或分页后上传",
                                       limit=max_bytes())
                digest.update(chunk)
                out.write(chunk)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Stored(stored_name, content_type, size, digest.hexdigest())


def discard(stored_name):
    """Remove a stored file whose row was never written."""
    path_of(stored_name).unlink(missing_ok=True)


def original_name(upload):
    return _name(upload)


def current(case):
    """The latest attachment of each material of `case`: {material ordinal: Attachment}."""
    latest = {}
    for attachment in case.attachments.order_by("material", "uploaded_at", "id"):
        latest[attachment.material] = attachment
    return latest
