import hashlib
import io
import os
import unicodedata

import pypdf
import pypdfium2
import pytest
import zxingcpp
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from certificates import signing
from certificates.pdf import certificate_pdf, certificate_pdf_unsigned_plain, outside_event_loop
from certificates.pdf_check import pdf_check
from certificates.signing import (
    issuer_private_key,
    issuer_public_jwk,
    issuer_signing_pem,
    signing_dev_key_create,
)

NAMES = {
    "latin": "Maria Elena Rodríguez-Smith",
    "vietnamese": "Nguyễn Thị Minh Khai",
    "arabic": "محمد عبد الرحمن الحسيني",
    "chinese": "张伟明",
}
DOMAINS = [
    "Advocacy",
    "Ethical responsibility",
    "Mentoring and education",
    "Recovery and wellness support",
    "Trauma-informed practice",
    "Cultural responsiveness and humility",
    "Crisis support and de-escalation",
    "Documentation and confidentiality",
]


def snapshot_for(legal_name: str, *, code: str = "7KQ4-M2XD-HR9P", domains: int = 2) -> dict:
    return {
        "serial": "PC-2026-000123",
        "code": code,
        "legal_name": legal_name,
        "title": "Certificate of Training",
        "achievement": "has met the training requirements of the Certified Peer Specialist (CPS) credential, Pennsylvania",
        "requirement_set": {
            "credential": "PA-CPS",
            "name": "Certified Peer Specialist (CPS)",
            "jurisdiction": "Pennsylvania",
            "version": "1",
            "effective_from": "2026-01-01",
        },
        "hours_total": "75",
        "hours_by_domain": [
            {"label": label, "hours": str(8 + index)}
            for index, label in enumerate(DOMAINS[:domains])
        ],
        "issued_on": "2026-11-25",
        "expires_on": "2028-11-25",
        "issuer": {"name": "PeerCert", "url": "https://peercert.example"},
        "verify_url": "https://peercert.example/v/" + code.replace("-", ""),
    }


@pytest.fixture(scope="session")
def signing_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(autouse=True)
def _signing_key_in_a_temporary_folder(settings, signing_dir):
    settings.CERTIFICATE_SIGNING_KEY = signing_dir / "issuer-key.pem"
    settings.CERTIFICATE_SIGNING_CERT = signing_dir / "issuer-cert.pem"


@pytest.fixture(scope="module")
def issued():
    """A certificate per script, made once: rendering is the slow part of these tests."""
    return {}


def issue(issued: dict, script: str, **kwargs) -> bytes:
    if script not in issued:
        issued[script] = certificate_pdf(snapshot_for(NAMES[script], **kwargs))
    return issued[script]


def page_text(data: bytes) -> str:
    return unicodedata.normalize("NFC", pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text())


def embedded_font_names(data: bytes) -> set[str]:
    resources = pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]
    font_dicts = [resources.get("/Font", {})]
    for xobject in resources.get("/XObject", {}).values():
        font_dicts.append(xobject.get_object()["/Resources"].get("/Font", {}))
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for fonts in font_dicts
        for font in fonts.values()
    }


def issuer_trust_root() -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pem.unarmor(issuer_signing_pem()[1])[2])


def test_certificate_is_one_landscape_letter_page_even_with_eight_domains_and_a_long_name():
    name = "Maximiliana Alexandrina Montgomery-Featherstonehaugh de la Cruz y Villanueva"
    data = certificate_pdf(snapshot_for(name, domains=8))

    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (792, 612)
    text = page_text(data)
    assert "Montgomery-Featherstonehaugh" in text
    assert "Documentation and confidentiality" in text


@pytest.mark.parametrize(
    ("script", "font"),
    [
        ("latin", "PeerCert-Serif-Bold"),
        ("vietnamese", "PeerCert-Serif-Bold"),
        ("arabic", "PeerCert-Arabic-Bold"),
        ("chinese", "PeerCert-CJK-Bold"),
    ],
)
def test_certificate_shows_the_name_in_its_script_with_the_bundled_font(issued, script, font):
    data = issue(issued, script)

    text = page_text(data)
    assert NAMES[script] in text
    assert "7KQ4-M2XD-HR9P" in text
    assert "PC-2026-000123" in text
    assert "Evaluated against PA-CPS requirements, version 1, effective January 1, 2026" in (
        " ".join(text.split())
    )
    # The name is drawn with the bundled font that covers its script, not a fallback or tofu.
    assert font in embedded_font_names(data)


def test_certificate_escapes_markup_in_fields():
    data = certificate_pdf(snapshot_for("<b>Ana</b> & Co"))

    assert "<b>Ana</b> & Co" in page_text(data)


def test_certificate_without_requirement_set_domains_or_expiry_says_so():
    snapshot = snapshot_for("Ana Lima", domains=0)
    snapshot.update(requirement_set=None, expires_on=None, title="Certificate of Completion")

    text = page_text(certificate_pdf(snapshot))

    assert "Certificate of Completion" in text
    assert "Does not expire" in text
    assert "Evaluated against" not in text


def test_qr_code_decodes_to_the_verification_url(issued):
    data = issue(issued, "latin")

    image = pypdfium2.PdfDocument(data)[0].render(scale=2).to_pil()
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]

    assert decoded == ["https://peercert.example/v/7KQ4M2XDHR9P"]


def test_signature_validates_against_the_issuer_certificate(issued):
    data = issue(issued, "latin")

    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = outside_event_loop(
        validate_pdf_signature,
        signature,
        ValidationContext(trust_roots=[issuer_trust_root()], allow_fetching=False),
    )

    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line


def stored_hash_for(data: bytes, code: str = "7KQ4-M2XD-HR9P"):
    digest = hashlib.sha256(data).hexdigest()
    return lambda looked_up: digest if looked_up == code else None


def test_pdf_check_says_authentic_for_the_issued_file(issued):
    data = issue(issued, "latin")

    result = pdf_check(data, lookup=stored_hash_for(data))

    assert (result.verdict, result.code) == ("authentic", "7KQ4-M2XD-HR9P")


def test_pdf_check_says_altered_when_a_byte_in_the_middle_changes(issued):
    data = issue(issued, "latin")
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x01

    result = pdf_check(bytes(damaged), lookup=stored_hash_for(data))

    assert (result.verdict, result.code) == ("altered", "7KQ4-M2XD-HR9P")


def test_pdf_check_says_altered_when_signed_content_changes(issued):
    data = issue(issued, "latin")
    # A byte of the header's binary comment: the file still parses, but the signature no
    # longer matches the bytes it covers.
    damaged = bytearray(data)
    damaged[data.index(b"\n") + 2] ^= 0x01

    result = pdf_check(bytes(damaged), lookup=stored_hash_for(data))

    assert (result.verdict, result.code) == ("altered", "7KQ4-M2XD-HR9P")


def test_pdf_check_says_altered_when_the_signature_itself_changes(issued):
    data = issue(issued, "latin")
    damaged = bytearray(data)
    position = data.rindex(b"/Contents <") + len(b"/Contents <") + 600
    damaged[position] = ord("0") if data[position] != ord("0") else ord("1")

    result = pdf_check(bytes(damaged), lookup=stored_hash_for(data))

    assert (result.verdict, result.code) == ("altered", "7KQ4-M2XD-HR9P")


def test_pdf_check_says_altered_for_our_signature_on_a_file_whose_code_we_do_not_know(issued):
    data = issue(issued, "latin")

    result = pdf_check(data, lookup=lambda code: None)

    assert result.verdict == "altered"


def test_pdf_check_says_not_ours_for_a_pdf_made_elsewhere():
    elsewhere = certificate_pdf_unsigned_plain(snapshot_for("Ana Lima", code="ZZZZ-ZZZZ-ZZZZ"))

    result = pdf_check(elsewhere, lookup=stored_hash_for(b"", code="7KQ4-M2XD-HR9P"))

    assert (result.verdict, result.code) == ("not_ours", None)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        os.urandom(4096),
        b"%PDF-1.7\n" + os.urandom(4096),
        b"verification code " + b"A" * 10_000,
        b"/Contents <" + b"0" * 50_000 + b">",
        b"0" * (6 * 1024 * 1024),
    ],
    ids=["empty", "random", "pdf-header-then-garbage", "long-code", "long-contents", "too-big"],
)
def test_pdf_check_says_not_ours_for_garbage_without_raising(data):
    result = pdf_check(data, lookup=lambda code: None)

    assert result.verdict == "not_ours"


def test_dev_key_create_is_idempotent(tmp_path):
    signing_dev_key_create(tmp_path)
    key, cert = (
        (tmp_path / "issuer-key.pem").read_bytes(),
        (tmp_path / "issuer-cert.pem").read_bytes(),
    )

    signing_dev_key_create(tmp_path)

    assert (tmp_path / "issuer-key.pem").read_bytes() == key
    assert (tmp_path / "issuer-cert.pem").read_bytes() == cert
    assert b"BEGIN PRIVATE KEY" in key
    assert b"BEGIN CERTIFICATE" in cert


def test_issuer_public_jwk_has_a_stable_kid_and_no_private_part():
    jwk = issuer_public_jwk()

    assert jwk["kty"] == "RSA"
    assert jwk["kid"] == issuer_public_jwk()["kid"] == issuer_private_key().kid
    assert "d" not in jwk


def test_missing_signing_key_in_production_is_improperly_configured(
    settings, tmp_path, monkeypatch
):
    settings.DEBUG = False
    settings.CERTIFICATE_SIGNING_KEY = tmp_path / "missing" / "issuer-key.pem"
    settings.CERTIFICATE_SIGNING_CERT = tmp_path / "missing" / "issuer-cert.pem"
    monkeypatch.setattr(signing, "_tests_running", lambda: False)

    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_SIGNING_KEY"):
        issuer_signing_pem()


def test_signing_and_checking_work_inside_a_running_event_loop():
    """As in an async view, or beside a Playwright session: pyHanko runs its own loop."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside():
        signed = certificate_pdf(snapshot_for("Ana María Rodríguez"))
        stored = hashlib.sha256(signed).hexdigest()
        return pdf_check(signed, lookup=lambda code: stored).verdict

    # A thread of its own, so that the test runs a loop even beside a Playwright session's.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result() == "authentic"
