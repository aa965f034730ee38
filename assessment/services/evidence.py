"""Evidence files: checked by content, stored under random names outside the web root."""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import begin_write
from ..models import Assessment, EvidenceFile, User, utcnow
from ..storage import EvidenceStore
from . import audit


class RejectedFile(ValueError):
    pass


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", "pdf")
PNG = Kind("image/png", "png")
JPEG = Kind("image/jpeg", "jpg")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
ODT = Kind("application/vnd.oasis.opendocument.text", "odt")
ODS = Kind("application/vnd.oasis.opendocument.spreadsheet", "ods")
ALLOWED = (
    "PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument (.odt, .ods)"
)

_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {ODT.content_type: ODT, ODS.content_type: ODS}


def sniff(head: bytes, data: bytes) -> Kind:
    """The file's real type from its bytes, whatever its name says; RejectedFile otherwise.
    Office files are zip archives: their directory is read, nothing is ever extracted."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = archive.namelist()
        except zipfile.BadZipFile:
            raise RejectedFile("the file is a damaged archive") from None
        if "[Content_Types].xml" in names:
            for prefix, kind in _OOXML.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
        if "mimetype" in names:
            declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
            if declared in _ODF:
                return _ODF[declared]
        raise RejectedFile(f"this archive is not an office document; accepted: {ALLOWED}")
    raise RejectedFile(f"this type of file is not accepted; accepted: {ALLOWED}")


def _safe_name(name: str) -> str:
    """Keep the name the user knows, without paths or control characters, for display only."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*').strip(" .")
    return name[:200] or "evidence"


def store(
    session: Session,
    files: EvidenceStore,
    assessment: Assessment,
    question_id: str,
    actor: User,
    upload: BinaryIO,
    filename: str,
    max_bytes: int,
) -> EvidenceFile:
    data = upload.read(max_bytes + 1)
    if not data:
        raise RejectedFile("the file is empty")
    if len(data) > max_bytes:
        raise RejectedFile(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    kind = sniff(data[:16], data)
    stored_name = secrets.token_hex(16)
    files.put(stored_name, data)
    display = _safe_name(filename)
    if not display.lower().endswith("." + kind.extension):
        display = f"{display.rsplit('.', 1)[0] if '.' in display else display}.{kind.extension}"
    begin_write(session)
    record = EvidenceFile(
        assessment_id=assessment.id,
        question_id=question_id,
        original_name=display,
        stored_name=stored_name,
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        "attach",
        "evidence_file",
        record.id,
        assessment_id=assessment.id,
        new={
            "question": question_id,
            "name": display,
            "size": len(data),
            "type": kind.content_type,
        },
    )
    try:
        session.commit()
    except Exception:
        files.delete(stored_name)  # no file without its record
        raise
    return record


def files_of(
    session: Session, assessment: Assessment, question_ids: list[str] | None = None
) -> list[EvidenceFile]:
    query = select(EvidenceFile).where(
        EvidenceFile.assessment_id == assessment.id, EvidenceFile.removed_at.is_(None)
    )
    if question_ids is not None:
        query = query.where(EvidenceFile.question_id.in_(question_ids))
    return list(session.scalars(query.order_by(EvidenceFile.uploaded_at, EvidenceFile.id)))


def remove(session: Session, record: EvidenceFile, actor: User) -> None:
    """Take a file off the answer; the bytes stay, so the audit trail can still point at them."""
    begin_write(session)
    record.removed_at = utcnow()
    audit.record(
        session,
        actor,
        "detach",
        "evidence_file",
        record.id,
        assessment_id=record.assessment_id,
        old={"name": record.original_name},
    )
    session.commit()
