"""Checking an uploaded PDF against the certificates we issued."""

import binascii
import hashlib
import hmac
import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .pdf import outside_event_loop
from .signing import issuer_certificate_der, issuer_signing_pem

logger = logging.getLogger(__name__)

PDF_CHECK_MAX_BYTES = 5 * 1024 * 1024
AUTHENTIC, ALTERED, NOT_OURS = "authentic", "altered", "not_ours"

# The signature's reason, as pyHanko writes it: letters, digits and spaces as they are, every
# other byte as an octal escape (so "7KQ4-M2XD" is "7KQ4\055M2XD").
_REASON_CODE = re.compile(rb"verification code ((?:[A-Za-z0-9]|\\[0-7]{3}|-){4,64})")
# The document information entry, uncompressed if a tool rewrote the file without object streams.
_INFO_CODE = re.compile(rb"/PeerCertCode\s*\(((?:[A-Za-z0-9-]|\\[0-7]{3}){4,64})\)")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b[^>]{0,200}>>\s*stream\r?\n")
_SIGNATURE_CONTENTS = re.compile(rb"/Contents\s*<([0-9A-Fa-f\s]{64,40000})>")
_OCTAL_ESCAPE = re.compile(rb"\\([0-7]{3})")
_CODES_TRIED = 4
_OBJECT_STREAMS_READ = 16


@dataclass(frozen=True)
class PdfCheck:
    """What an uploaded PDF is: `verdict` is "authentic", "altered" or "not_ours"; `code` is
    the verification code of ours it names, if any."""

    verdict: str
    code: str | None = None


def pdf_check(data: bytes, *, lookup: Callable[[str], str | list[str] | None]) -> PdfCheck:
    """Check an uploaded file against the certificates we issued.

    `lookup(code)` returns the SHA-256 (hex) of the PDF issued with that verification code (or
    a list of them: the current file and any it superseded), or None. Authentic: the file is byte for byte the one issued and its signature by our issuer
    validates. Altered: it names one of our codes or carries our issuer's signature, but is not
    that file. Not ours: anything else. Never raises on hostile input; files over
    PDF_CHECK_MAX_BYTES are not read.
    """
    if not isinstance(data, bytes | bytearray) or len(data) > PDF_CHECK_MAX_BYTES:
        return PdfCheck(NOT_OURS)
    data = bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    named = None
    for code in _codes_named(data):
        stored = lookup(code)
        if not stored:
            continue
        named = named or code
        hashes = [stored] if isinstance(stored, str) else list(stored)
        if any(hmac.compare_digest(h.strip().lower(), digest) for h in hashes if h):
            if _signature_validates(data):
                return PdfCheck(AUTHENTIC, code)
            return PdfCheck(ALTERED, code)
    if named or _signed_by_our_issuer(data):
        return PdfCheck(ALTERED, named)
    return PdfCheck(NOT_OURS)


def _codes_named(data: bytes) -> list[str]:
    """The verification codes the file names, found without parsing it, so that a damaged
    file still names its code."""
    found = [match.group(1) for match in _REASON_CODE.finditer(data)]
    found += [match.group(1) for match in _INFO_CODE.finditer(data)]
    for index, match in enumerate(_OBJECT_STREAM.finditer(data)):
        if index >= _OBJECT_STREAMS_READ:
            break
        try:
            # A bounded read: a compression bomb yields at most this much.
            text = zlib.decompressobj().decompress(data[match.end() :], 1 << 20)
        except zlib.error:
            continue
        found += [found_match.group(1) for found_match in _INFO_CODE.finditer(text)]
    codes = []
    for raw in found:
        code = _OCTAL_ESCAPE.sub(lambda match: bytes((int(match.group(1), 8),)), raw)
        code = code.decode("ascii", "replace")
        if code not in codes:
            codes.append(code)
    return codes[:_CODES_TRIED]


def _signed_by_our_issuer(data: bytes) -> bool:
    """Whether a signature container in the file embeds our issuer's certificate (which every
    signature we make does). Found without parsing the PDF, so it survives damage."""
    certificate = issuer_certificate_der()
    for match in _SIGNATURE_CONTENTS.finditer(data):
        hex_digits = re.sub(rb"\s", b"", match.group(1))
        try:
            container = binascii.unhexlify(hex_digits[: len(hex_digits) // 2 * 2])
        except (binascii.Error, ValueError):
            continue
        if certificate in container:
            return True
    return False


def _signature_validates(data: bytes) -> bool:
    """Whether the file's last signature is intact, covers the whole file and chains to our
    issuer certificate as the trust root."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return False
        trust_root = asn1_x509.Certificate.load(pem.unarmor(issuer_signing_pem()[1])[2])
        context = ValidationContext(
            trust_roots=[trust_root], allow_fetching=False, revocation_mode="soft-fail"
        )
        status = outside_event_loop(validate_pdf_signature, signatures[-1], context)
        return bool(status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
    except Exception:  # Hostile input can fail anywhere in a PDF parser.
        logger.info("Signature validation failed on an uploaded PDF", exc_info=True)
        return False
