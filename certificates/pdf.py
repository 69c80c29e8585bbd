"""Certificate PDFs: a snapshot dict rendered to a signed, print-ready PDF/A-3b page.

The snapshot is everything the certificate says, frozen at issue time. The page has two layers
(see the template): the static layer (title, achievement, hours, requirements) is the same for
every certificate of a program, so it is rendered once per process and kept; each certificate
renders only the person layer (name, dates, serial, code, QR) and draws the static layer under it
as a form XObject, in the same incremental update that adds the signature.

Other costs avoided, all per process (safe for threads and Celery prefork workers):

- the stylesheet and its bundled fonts are parsed once;
- fonts are subset by WeasyPrint itself: with HarfBuzz's subsetter (libharfbuzz-subset, which
  production and CI install) that takes a millisecond or two; without it WeasyPrint falls back
  to fontTools, which is correct but reads every layout table of every font, hundreds of
  milliseconds per certificate;
- the CMS signature is assembled from DER pieces prepared once, not built through asn1crypto
  (see _IssuerSigner: 4 ms instead of about 20 ms, and pyHanko validates every result in the
  tests).
"""

import asyncio
import datetime
import hashlib
import json
import os
import threading
import unicodedata
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import cache, lru_cache, partial
from io import BytesIO
from pathlib import Path

import segno
import weasyprint
from asn1crypto import algos, cms, pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from weasyprint.text.fonts import FontConfiguration

from .signing import issuer_signing_pem

TEMPLATE_NAME = "certificates/certificate_pdf.html"
CSS_PATH = Path(__file__).parent / "templates" / "certificates" / "certificate_pdf.css"
FONTS_DIR = Path(__file__).parent / "static" / "certificates" / "fonts"
PDF_VARIANT = "pdf/a-3b"
SIGNATURE_FIELD = "PeerCertIssuerSignature"
# The CMS signature (RSA 2048, one certificate, signed attributes) takes about 1.3 kB; the space
# is reserved as hex, so this leaves room for a 4096-bit key.
SIGNATURE_BYTES_RESERVED = 6144
# Snapshot fields drawn by the person layer; every other field belongs to the static layer.
PERSON_FIELDS = ("legal_name", "serial", "code", "verify_url", "issued_on", "expires_on")
# Snapshot fields the PDF does not draw (the verification page shows them): they never make a
# static layer differ.
UNDRAWN_FIELDS = ("training_elsewhere", "phase", "full_on")
STATIC_LAYERS_KEPT = 64
# US Letter landscape, and the QR code's box (1.3in in the stylesheet), in points.
PAGE_HEIGHT = 612
QR_SIZE = 93.6

# WeasyPrint's fonts and Pango are not thread-safe, nor is a shared PdfFileReader: one
# certificate at a time per process.
_lock = threading.Lock()
_static_layers: OrderedDict[str, PdfFileReader] = OrderedDict()


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()
    _static_layers.clear()
    _render_setup.cache_clear()
    _signer_for.cache_clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _date_display(value: str | None) -> str:
    if not value:
        return ""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{day:%B} {day.day}, {day.year}"


def _text_direction(text: str) -> str:
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return "rtl"
        if direction == "L":
            return "ltr"
    return "ltr"


def _name_size(name: str) -> str:
    # East Asian characters are about twice as wide as Latin letters.
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in name)
    if width > 56:
        return "very-long"
    if width > 34:
        return "long"
    return "normal"


def certificate_qr_svg(url: str) -> str:
    """The verification URL as an inline SVG QR code (error correction M, quiet zone included)."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=2, dark="#1f2a33", omitsize=True
    )


def certificate_html(snapshot: dict, *, layer: str = "all", inline_css: bool = False) -> str:
    """The certificate page as HTML, every snapshot field escaped.

    `layer` is "all" (the whole page), "static" or "person". With inline_css the stylesheet is
    included, so the HTML renders on its own (fonts resolve against FONTS_DIR as base URL).
    """
    requirement_set = snapshot.get("requirement_set") or {}
    context = {
        "s": snapshot,
        "static": layer in ("all", "static"),
        "person": layer in ("all", "person"),
        "name_dir": _text_direction(snapshot["legal_name"]),
        "name_size": _name_size(snapshot["legal_name"]),
        "issued_on": _date_display(snapshot.get("issued_on")),
        "expires_on": _date_display(snapshot.get("expires_on")),
        "requirement_effective": _date_display(requirement_set.get("effective_from")),
        "qr_svg": "",
        "inline_css": mark_safe(CSS_PATH.read_text()) if inline_css else "",  # noqa: S308
    }
    if layer == "all":
        context["qr_svg"] = mark_safe(certificate_qr_svg(snapshot["verify_url"]))  # noqa: S308
    return render_to_string(TEMPLATE_NAME, context)


def _base_url() -> str:
    return FONTS_DIR.as_uri() + "/"


def certificate_pdf_unsigned_plain(snapshot: dict) -> bytes:
    """The baseline for benchmarks: the whole certificate through WeasyPrint's default path,
    nothing cached, default options. Neither signed nor PDF/A."""
    html = certificate_html(snapshot, inline_css=True)
    return weasyprint.HTML(string=html, base_url=_base_url()).write_pdf()


@cache
def _render_setup() -> tuple[FontConfiguration, weasyprint.CSS]:
    font_config = FontConfiguration()
    css = weasyprint.CSS(filename=str(CSS_PATH), base_url=_base_url(), font_config=font_config)
    return font_config, css


def _render(snapshot: dict, layer: str) -> tuple[bytes, dict]:
    """One layer as a PDF/A-3b page, and the page's anchors (CSS px from the top left)."""
    font_config, css = _render_setup()
    document = weasyprint.HTML(
        string=certificate_html(snapshot, layer=layer), base_url=_base_url()
    ).render(stylesheets=[css], font_config=font_config)
    document.fonts = _FontsNamedByLayer(layer)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, custom_metadata=True)
    return pdf, document.pages[0].anchors


def _qr_content(url: str, left: float, top: float) -> bytes:
    """PDF drawing operators for the QR code of `url` in a QR_SIZE square at (left, top), in
    points from the bottom left; a quiet zone of two modules is inside the square."""
    matrix = segno.make(url, error="m", micro=False).matrix
    module = QR_SIZE / (len(matrix) + 4)
    operators = [b"q 0.1216 0.1647 0.2 rg"]
    for row_index, row in enumerate(matrix):
        y = top - (row_index + 3) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            x = left + (start + 2) * module
            operators.append(b"%.3f %.3f %.3f %.3f re" % (x, y, (column - start) * module, module))
    operators.append(b"f Q")
    return b"\n".join(operators)


def _static_layer(snapshot: dict) -> PdfFileReader:
    key = json.dumps(
        {
            name: value
            for name, value in snapshot.items()
            if name not in PERSON_FIELDS and name not in UNDRAWN_FIELDS
        },
        sort_keys=True,
    )
    reader = _static_layers.get(key)
    if reader is None:
        reader = PdfFileReader(BytesIO(_render(snapshot, "static")[0]))
        _static_layers[key] = reader
        if len(_static_layers) > STATIC_LAYERS_KEPT:
            _static_layers.popitem(last=False)
    else:
        _static_layers.move_to_end(key)
    return reader


def certificate_pdf(snapshot: dict) -> bytes:
    """The certificate as a signed PDF/A-3b page, signed by the issuer (PAdES B-B, no
    timestamp). The serial and verification code are also in the document information
    (PeerCertSerial, PeerCertCode) and, uncompressed, in the signature's reason.

    Raises ImproperlyConfigured when the signing key is missing in production. Safe to call
    from several threads; caches are per process.
    """
    with _lock:
        static = _static_layer(snapshot)
        person, anchors = _render(snapshot, "person")
        writer = IncrementalPdfFileWriter(BytesIO(person), strict=False)
        xobject = writer.import_page_as_xobject(static)
        # Both streams go before the person layer's own, which leaves its coordinate system
        # changed: static layer first, then the QR code, each in default user space.
        # An anchor is (left, top) in CSS px; WeasyPrint 66+ adds (right, bottom).
        qr_left, qr_top = anchors["qr"][:2]
        qr = generic.StreamObject(
            stream_data=_qr_content(
                snapshot["verify_url"], qr_left * 0.75, PAGE_HEIGHT - qr_top * 0.75
            )
        )
        qr.compress()
        writer.add_stream_to_page(0, writer.add_object(qr), prepend=True)
        static_stream = generic.StreamObject(stream_data=b"q /PeerCertStatic Do Q")
        writer.add_stream_to_page(
            0,
            writer.add_object(static_stream),
            resources=generic.DictionaryObject(
                {
                    generic.pdf_name("/XObject"): generic.DictionaryObject(
                        {generic.pdf_name("/PeerCertStatic"): xobject}
                    )
                }
            ),
            prepend=True,
        )
        return _sign(writer, snapshot)


def pdf_sign(data: bytes, *, snapshot: dict | None = None) -> bytes:
    """Sign a PDF with the issuer's key, as an incremental update with an invisible signature
    (PAdES B-B, no timestamp). With a snapshot, the signature's reason names the serial and
    verification code."""
    return _sign(IncrementalPdfFileWriter(BytesIO(data), strict=False), snapshot)


def _sign(writer: IncrementalPdfFileWriter, snapshot: dict | None) -> bytes:
    reason = "Issued by the certificate issuer"
    if snapshot:
        # pdf_check finds the code here even in a damaged file: pyHanko writes the signature
        # dictionary uncompressed.
        reason = f"Certificate {snapshot['serial']}, verification code {snapshot['code']}"
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        name=snapshot["issuer"]["name"] if snapshot else None,
    )
    output = BytesIO()
    outside_event_loop(
        signers.sign_pdf,
        writer,
        metadata,
        signer=_signer(),
        bytes_reserved=SIGNATURE_BYTES_RESERVED,
        output=output,
    )
    return output.getvalue()


def outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which run their own asyncio loop, from
    anywhere: in a thread of its own when this thread already runs a loop (an async view, a
    Playwright session), directly otherwise."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _signer() -> "_IssuerSigner":
    return _signer_for(*issuer_signing_pem())


@lru_cache(maxsize=4)
def _signer_for(key_pem: bytes, cert_pem: bytes) -> "_IssuerSigner":
    return _IssuerSigner(key_pem, cert_pem)


def _der(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes((tag, length)) + content
    encoded = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(encoded))) + encoded + content


class _IssuerSigner(signers.Signer):
    """A pyHanko signer that assembles its CMS SignedData from DER pieces made once.

    pyHanko builds each CMS object through asn1crypto, about 15 ms of pure Python per
    signature; everything here but the document digest and the signature value is the same for
    every certificate. The container is what pyHanko makes for a PAdES B-B signature without a
    timestamp: signed attributes content-type, message-digest and ESS signing-certificate-v2,
    the issuer's certificate, one SignerInfo.
    """

    def __init__(self, key_pem: bytes, cert_pem: bytes):
        certificate = asn1_x509.Certificate.load(pem.unarmor(cert_pem)[2])
        private_key = serialization.load_pem_private_key(key_pem, password=None)
        if isinstance(private_key, ec.EllipticCurvePrivateKey):
            mechanism = algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"})
            self._sign_digest = partial(
                private_key.sign, signature_algorithm=ec.ECDSA(hashes.SHA256())
            )
        elif isinstance(private_key, rsa.RSAPrivateKey):
            mechanism = algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa", "parameters": None})
            self._sign_digest = partial(
                private_key.sign, padding=padding.PKCS1v15(), algorithm=hashes.SHA256()
            )
        else:
            raise ImproperlyConfigured("The certificate signing key must be an EC or RSA key.")
        super().__init__(
            signing_cert=certificate,
            cert_registry=SimpleCertificateStore.from_certs([certificate]),
            signature_mechanism=mechanism,
        )
        sha256 = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()
        content_type = cms.CMSAttribute({"type": "content_type", "values": ["data"]}).dump()
        signing_certificate = cms.CMSAttribute(
            {
                "type": "signing_certificate_v2",
                "values": [
                    {
                        "certs": [
                            {
                                "hash_algorithm": {"algorithm": "sha256"},
                                "cert_hash": hashlib.sha256(certificate.dump()).digest(),
                                "issuer_serial": {
                                    "issuer": [
                                        asn1_x509.GeneralName(
                                            name="directory_name", value=certificate.issuer
                                        )
                                    ],
                                    "serial_number": certificate.serial_number,
                                },
                            }
                        ]
                    }
                ],
            }
        ).dump()
        self._constant_attributes = (content_type, signing_certificate)
        self._message_digest_type = cms.CMSAttributeType("message_digest").dump()
        issuer_and_serial = cms.IssuerAndSerialNumber(
            {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
        ).dump()
        self._signer_info_head = b"\x02\x01\x01" + issuer_and_serial + sha256
        self._signature_algorithm = mechanism.dump()
        self._signed_data_head = (
            b"\x02\x01\x01"
            + _der(0x31, sha256)
            + cms.EncapsulatedContentInfo({"content_type": "data"}).dump()
            + _der(0xA0, certificate.dump())
        )
        self._signed_data_type = cms.ContentType("signed_data").dump()

    async def async_sign(self, data_digest: bytes, digest_algorithm: str, dry_run=False, **kwargs):
        if digest_algorithm != "sha256" or kwargs.get("timestamper") is not None:
            raise ValueError("The issuer signer signs SHA-256 digests without a timestamp.")
        message_digest = _der(0x30, self._message_digest_type + _der(0x31, _der(0x04, data_digest)))
        attributes = b"".join(sorted((*self._constant_attributes, message_digest)))
        signature = bytes(72) if dry_run else self._sign_digest(_der(0x31, attributes))
        signer_info = _der(
            0x30,
            self._signer_info_head
            + _der(0xA0, attributes)
            + self._signature_algorithm
            + _der(0x04, signature),
        )
        signed_data = _der(0x30, self._signed_data_head + _der(0x31, signer_info))
        return cms.ContentInfo.load(_der(0x30, self._signed_data_type + _der(0xA0, signed_data)))


class _FontsNamedByLayer(dict):
    """WeasyPrint's `Document.fonts`, naming each embedded subset after its layer.

    WeasyPrint derives a subset's PostScript name from the font alone, so the static and the
    person layer would each embed a different subset of the same font under the same name;
    a PDF must not have two different fonts of one name."""

    def __init__(self, layer: str):
        super().__init__()
        self.layer = layer.encode()

    def __setitem__(self, key, font):
        if not getattr(font, "named_by_layer", False):
            digest = hashlib.sha256(self.layer + font.name).digest()
            tag = bytes(65 + byte % 26 for byte in digest[:6])
            font.name = b"/" + tag + font.name[font.name.index(b"+") :]
            font.named_by_layer = True
        super().__setitem__(key, font)
