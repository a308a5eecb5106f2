"""attach_material: files kept by their content (PDF, JPEG, PNG), within the size limit, outside
the web root under a random name; refused uploads leave nothing behind."""
import hashlib
import stat

import pytest

from tests.cases import factories as f
from tests.handlers import generic_handlers_for
from tests.cases.samples import EXE, PDF, image, upload
from yibao.cases import actions, attachments
from yibao.cases.exceptions import FileTooLarge, InvalidTransition, UnknownMaterial, UnsupportedFile
from yibao.cases.models import Attachment
from yibao.core.models import AuditEntry, Channel
from yibao.people.policy import NotAllowed

MATERIALS = (("有效身份证件", "", False), ("医疗费用发票", "", False))
generic_handlers = generic_handlers_for("outpatient-reimbursement")


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.YIBAO_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.YIBAO_UPLOAD_MAX_BYTES = 4096
    return tmp_path / "uploads"


@pytest.fixture
def case(city, submit):
    return submit(f.item(city, "outpatient-reimbursement", materials=MATERIALS), channel=Channel.PORTAL, materials=[])


def files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_pdf_is_stored_under_a_random_name_with_its_hash(case, person, upload_dir):
    attachment = actions.attach_material(case, person.user, channel=Channel.PORTAL, material=1,
                                         upload=upload("身份证.pdf", PDF))
    attachment.refresh_from_db()
    path = attachments.path_of(attachment.stored_name)
    assert files(upload_dir) == [path]
    assert path.read_bytes() == PDF
    assert (attachment.material, attachment.material_name) == (1, "有效身份证件")
    assert attachment.original_name == "身份证.pdf"
    assert "身份证" not in attachment.stored_name and attachment.stored_name.endswith(".pdf")
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (attachment.round, attachment.channel, attachment.uploaded_by) == (1, Channel.PORTAL, person.user)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert AuditEntry.objects.filter(object_type="cases.attachment", object_id=str(attachment.pk),
                                     action="上传材料").exists()


@pytest.mark.parametrize(
    "name,content,expected",
    [("发票.png", image("PNG"), "image/png"), ("发票.jpeg", image("JPEG"), "image/jpeg"),
     ("scan.bin", image("PNG"), "image/png"), ("发票.png", PDF, "application/pdf")],
)
def test_type_comes_from_the_content_not_the_name(case, person, name, content, expected):
    attachment = actions.attach_material(case, person.user, channel=Channel.PORTAL, material="2",
                                         upload=upload(name, content, "image/png"))
    assert attachment.content_type == expected
    assert attachment.stored_name.endswith({"image/png": ".png", "image/jpeg": ".jpg",
                                            "application/pdf": ".pdf"}[expected])


@pytest.mark.parametrize(
    "content,error,words",
    [(EXE, UnsupportedFile, "只接受PDF、JPEG或PNG"), (b"", UnsupportedFile, "空文件"),
     (b"%PDF-" + b"x" * 5000, FileTooLarge, "超过4KB"), (b"GIF89a" + b"\x00" * 20, UnsupportedFile, "格式不支持")],
)
def test_refused_uploads_leave_nothing(case, person, upload_dir, content, error, words):
    with pytest.raises(error) as exc:
        actions.attach_material(case, person.user, channel=Channel.PORTAL, material=1,
                                upload=upload("身份证.pdf", content, "application/pdf"))
    assert words in exc.value.message and "身份证.pdf" in exc.value.message
    assert files(upload_dir) == []
    assert not Attachment.objects.exists()


def test_unknown_material_and_strangers_are_refused_before_writing(case, upload_dir):
    owner = case.applicant.user
    with pytest.raises(UnknownMaterial):
        actions.attach_material(case, owner, channel=Channel.PORTAL, material=9, upload=upload("a.pdf", PDF))
    with pytest.raises(UnknownMaterial):
        actions.attach_material(case, owner, channel=Channel.PORTAL, material="x", upload=upload("a.pdf", PDF))
    stranger = f.applicant(name="李四").user
    with pytest.raises(NotAllowed):
        actions.attach_material(case, stranger, channel=Channel.PORTAL, material=1, upload=upload("a.pdf", PDF))
    assert files(upload_dir) == [] and not Attachment.objects.exists()


def test_clerk_may_attach_at_the_window_and_a_closed_case_takes_nothing(case, clerk, person, upload_dir):
    actions.attach_material(case, clerk, channel=Channel.WINDOW, material=1, upload=upload("scan.jpg", image("JPEG")))
    actions.withdraw_case(case, person.user, channel=Channel.PORTAL)
    with pytest.raises(InvalidTransition) as exc:
        actions.attach_material(case, person.user, channel=Channel.PORTAL, material=2, upload=upload("b.pdf", PDF))
    assert "已撤回" in exc.value.message
    assert len(files(upload_dir)) == 1 and Attachment.objects.count() == 1


def test_a_later_file_supersedes_and_the_earlier_stays(case, person):
    first = actions.attach_material(case, person.user, channel=Channel.PORTAL, material=1, upload=upload("a.pdf", PDF))
    second = actions.attach_material(case, person.user, channel=Channel.PORTAL, material=1,
                                     upload=upload("b.png", image("PNG")))
    third = actions.attach_material(case, person.user, channel=Channel.PORTAL, material=2, upload=upload("c.pdf", PDF))
    assert attachments.current(case) == {1: second, 2: third}
    assert Attachment.objects.filter(case=case).count() == 3
    assert first.stored_name != third.stored_name  # same bytes, separate files
    assert attachments.path_of(first.stored_name).exists()


def test_the_size_limit_holds_when_the_declared_size_lies(case, person, upload_dir, settings):
    big = upload("big.pdf", b"%PDF-" + b"y" * 6000)
    big.size = 100  # a client may declare anything
    with pytest.raises(FileTooLarge):
        actions.attach_material(case, person.user, channel=Channel.PORTAL, material=1, upload=big)
    assert files(upload_dir) == [] and not Attachment.objects.exists()


def test_sniff_signatures():
    assert attachments.sniff(PDF) == "application/pdf"
    assert attachments.sniff(image("PNG")) == "image/png"
    assert attachments.sniff(image("JPEG")) == "image/jpeg"
    with pytest.raises(UnsupportedFile):
        attachments.sniff(EXE)
